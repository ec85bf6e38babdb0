"""Draws vector-tile layers with PyQGIS (offscreen) and reports, as JSON on stdout, what QGIS made of each.

Argument: JSON {"extent": [xmin, ymin, xmax, ymax] in EPSG:3857, "layers": [{"name", "uri"}]}, each uri a QGIS
vector-tile data source ("type=xyz&url=...&zmin=..&zmax=.." and optionally "&styleUrl=..." for a MapLibre style).
For each layer: whether QGIS found it valid, whether its style URL loaded, and how many of the sampled pixels of a
512 x 512 rendering on white are not white, and how many distinct colours they have.
"""
import json
import os
import sys

os.environ.setdefault('QT_QPA_PLATFORM', 'offscreen')

from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsMapRendererSequentialJob,
    QgsMapSettings,
    QgsRectangle,
    QgsVectorTileLayer,
)
from qgis.PyQt.QtCore import QSize  # noqa: E402
from qgis.PyQt.QtGui import QColor  # noqa: E402

args = json.loads(sys.argv[1])
app = QgsApplication([], False)
app.initQgis()
WHITE = QColor(255, 255, 255)
SIZE = 512
STEP = 4


def drawn(layer):
    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(QgsCoordinateReferenceSystem('EPSG:3857'))
    settings.setOutputSize(QSize(SIZE, SIZE))
    settings.setBackgroundColor(WHITE)
    settings.setExtent(QgsRectangle(*args['extent']))
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    colours = [image.pixelColor(x, y).rgb() for x in range(0, SIZE, STEP) for y in range(0, SIZE, STEP)]
    return sum(1 for c in colours if c != WHITE.rgb()), len(set(colours))


result = {'sampled': (SIZE // STEP) ** 2, 'layers': {}}
for spec in args['layers']:
    layer = QgsVectorTileLayer(spec['uri'], spec['name'])
    entry = {'valid': layer.isValid()}
    if 'styleUrl=' in spec['uri']:
        message, ok = layer.loadDefaultStyle()
        entry['styleLoaded'] = bool(ok)
        entry['styleMessage'] = message
    entry['drawn'], entry['colours'] = drawn(layer) if layer.isValid() else (0, 0)
    result['layers'][spec['name']] = entry
print(json.dumps(result))
app.exitQgis()
