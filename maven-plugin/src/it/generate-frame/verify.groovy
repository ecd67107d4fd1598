// A schema that declares its frame goes through the plugin like any other: generated, compiled, run.
def generated = new File(basedir, 'target/generated-sources/parley/pg/backend/PgBackendProtocol.java')
assert generated.isFile() : "missing ${generated}"
assert generated.text.contains('HeaderField.typeId("tag", 1)')
def log = new File(basedir, 'build.log').text
assert log.contains('Tests run: 1, Failures: 0, Errors: 0, Skipped: 0')
return true
