// The app imported a schema from the protocol's jar, and generated only its own classes.
def log = new File(basedir, 'build.log').text
assert log.contains('BUILD SUCCESS')
def app = new File(basedir, 'app/target/generated-sources/parley')
assert new File(app, 'billing/v1/Invoice.java').isFile()
assert !new File(app, 'common/v1/Money.java').exists() : 'the imported struct comes with its jar'
assert new File(basedir, 'app/target/classes/app/Use.class').isFile()
return true
