"""Reads the OGC API with OWSLib and reports what it found, as JSON on stdout.

Argument: JSON {"url": landing page, "collection": id, "queryable": [name, value]}.
"""
import json
import sys

from owslib.ogcapi.features import Features

args = json.loads(sys.argv[1])
service = Features(args['url'])
api = service.api()
items_path = api['paths'][f"/collections/{args['collection']}/items"]['get']
parameters = []
for p in items_path['parameters']:
    if '$ref' in p:
        p = api['components']['parameters'][p['$ref'].split('/')[-1]]
    parameters.append({'name': p['name'], 'in': p['in'], 'schema': p.get('schema', {})})
name, value = args['queryable']
items = service.collection_items(args['collection'], limit=5, **{name: value})
print(json.dumps({
    'openapi': api['openapi'],
    'title': api['info']['title'],
    'paths': sorted(api['paths'].keys()),
    'itemsParameters': parameters,
    'collections': [c['id'] for c in service.collections()['collections']],
    'queryables': sorted(service.collection_queryables(args['collection'])['properties'].keys()),
    'numberMatched': items['numberMatched'],
    'numberReturned': items['numberReturned'],
}))
