def log = new File(basedir, 'build.log').text
def out = new File(basedir, 'target/generated-sources/parley')
assert log.contains('Parley: 2 schemas, 6 Java files: 6 written, 0 unchanged, 0 removed')
assert log.contains('Parley: 2 schemas unchanged; nothing to generate')
assert log.contains('Parley: 1 schemas, 3 Java files: 0 written, 3 unchanged, 3 removed')
assert log.contains('Parley: 1 schemas unchanged; nothing to generate')
assert new File(out, 'inc/Ping.java').isFile()
assert !new File(out, 'inc/extra/Pong.java').exists() : 'sources of a dropped schema are removed'
return true
