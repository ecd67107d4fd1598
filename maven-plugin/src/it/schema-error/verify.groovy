// A schema error fails the build with javac-style lines and no stack trace.
def log = new File(basedir, 'build.log').text
def file = new File(basedir, 'src/main/parley/bad.parley').canonicalFile
assert log.contains("[ERROR] ${file}:4:3: error: unknown type 'Pointt'")
assert log.contains("[ERROR] ${file}:5:6: error: field name 'class' is a Java keyword")
assert log.contains('[ERROR]   Pointt at;')
assert log.contains('Parley: 2 errors in .parley schemas (listed above)')
assert !log.contains('\tat ') : 'no stack trace, even with -e'
assert !log.contains('dev.parley.spec') : 'no internals'
return true
