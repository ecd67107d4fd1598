// Safe changes pass: the new enum constant is a warning (old readers reject its value), and with
// <verbose> every safe change is listed as a note.
def log = new File(basedir, 'build.log').text
def file = new File(basedir, 'src/main/parley/chat.parley').canonicalFile
assert log.contains("[WARNING] ${file}:9:3: warning: new constant 'BUSY' of enum 'Status' is safe only between new writers and new readers: an old reader rejects a frame that carries value 3")
assert log.contains("[INFO] ${file}:21:29: note: field 'colour' was added to message 'Say' in version 2")
assert log.contains("[INFO] ${file}:29:9: note: new message 'Leave' (id 4)")
assert log.contains('Parley compat: compatible with dev.parley.it:compat-protocol:1.0: 0 breaking changes, 1 warning, 4 safe changes')
assert !log.contains('[ERROR]')
return true
