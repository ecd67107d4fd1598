// The sources were generated where the plugin says, compiled, and the test that uses them passed.
def generated = new File(basedir, 'target/generated-sources/parley/shop/v1/Order.java')
assert generated.isFile() : "missing ${generated}"
def log = new File(basedir, 'build.log').text
assert log.contains('Parley: 1 schemas, 4 Java files: 4 written, 0 unchanged, 0 removed')
assert log.contains('Tests run: 1, Failures: 0, Errors: 0, Skipped: 0')
assert new File(basedir, 'target/classes/shop/shop.parley').isFile() : 'the schema is packaged for importers'
return true
