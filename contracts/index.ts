/**
 * Browser-safe contracts shared by web/ and the server: schemas, ids and wire types.
 * Nothing here may import a server package (pg, express, socket.io, mediasoup, node:*); eslint enforces it.
 */
export * from './errors';
export * from './geo';
