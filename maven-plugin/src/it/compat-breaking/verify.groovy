// A breaking change fails the build with javac-style lines pointing into the new schema and
// naming the place in the previous release's schema, and no stack trace.
def log = new File(basedir, 'build.log').text
def file = new File(basedir, 'src/main/parley/chat.parley').canonicalFile
def old = new File(basedir, 'target/parley-compat/compat-protocol-1.0/chat.parley').canonicalFile
assert log.contains("[ERROR] ${file}:14:6: error: field 'features' was added to message 'Hello' without @since or a default (the old message at ${old}:11:9 is version 1): mark it @since(2) and give it a default, or make it optional")
assert log.contains("[ERROR] ${file}:18:7: error: field 'room' of message 'Say' is now u32 (was u64 at ${old}:17:7)")
assert log.contains('[ERROR]   u32 room;')
assert log.contains('Parley compat: 2 breaking changes, 0 warnings, 0 safe changes against dev.parley.it:compat-protocol:1.0 (listed above)')
assert !log.contains('\tat ') : 'no stack trace, even with -e'
return true
