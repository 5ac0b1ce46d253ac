/** The files module: uploads (photos, signatures, PDFs) on disk or in an S3-compatible store, scoped by org unit. */
export { type FileStore, fileStoreFor, diskFileStore, s3FileStore } from './file-store.ts';
export { acceptedType, allowedFileTypes, type FileContentType } from './file-types.ts';
export {
  configureFiles,
  type FileRef,
  fileRefs,
  fileRefsOf,
  type NewFile,
  openAttachedFile,
  openFile,
  publicFilesOf,
  rewriteFilePaths,
  storeFile,
  storePublicFile,
} from './files.ts';
export { fileRefSchema, filesRoutes, rawUploads, sendFile, uploadLengthGuard } from './routes.ts';
export { files } from './schema.ts';
