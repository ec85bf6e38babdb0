"""Adds OGC API - Features layers to PyQGIS (offscreen) and reports what QGIS sees of each, as JSON on stdout.

Argument: JSON {"url": landing page, "layers": [collection ids], "token": optional API token sent as the
password of a QGIS "Basic" authentication configuration, "username": its user name}.
"""
import json
import os
import sys
import tempfile

os.environ.setdefault('QT_QPA_PLATFORM', 'offscreen')
# A throwaway authentication database, so the test never touches a real profile.
os.environ.setdefault('QGIS_AUTH_DB_DIR_PATH', tempfile.mkdtemp(prefix='harbin-qgis-auth-'))

from qgis.core import QgsApplication, QgsAuthMethodConfig, QgsVectorLayer  # noqa: E402

args = json.loads(sys.argv[1])
app = QgsApplication([], False)
app.initQgis()
authcfg = None
if args.get('token'):
    manager = QgsApplication.authManager()
    manager.setMasterPassword('harbin-test-master-password', True)
    config = QgsAuthMethodConfig('Basic')
    config.setName('harbin-ogc')
    config.setConfig('username', args.get('username', 'qgis'))
    config.setConfig('password', args['token'])
    if not manager.storeAuthenticationConfig(config)[0]:
        raise SystemExit('could not store the QGIS authentication configuration')
    authcfg = config.id()

out = {}
for name in args['layers']:
    uri = f"url='{args['url']}' typename='{name}'"
    if authcfg:
        uri += f' authcfg={authcfg}'
    layer = QgsVectorLayer(uri, name, 'OAPIF')
    entry = {'valid': layer.isValid()}
    if layer.isValid():
        entry['featureCount'] = layer.featureCount()
        entry['iterated'] = sum(1 for _ in layer.getFeatures())
        entry['fields'] = [f.name() for f in layer.fields()]
        entry['crs'] = layer.crs().authid()
    out[name] = entry
sys.stdout.write(json.dumps(out) + '\n')
sys.stdout.flush()
# QGIS 3.22 can crash while tearing down its providers (exitQgis); the answer is written, so leave at once.
os._exit(0)
