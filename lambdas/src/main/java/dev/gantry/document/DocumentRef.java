package dev.gantry.document;

/**
 * Where a stored document lives and what it holds, as recorded on the session.
 *
 * @param name the document's name within the session, such as {@code architecture.md}
 * @param key the S3 object key, {@code sessions/{sessionId}/{name}}
 * @param sizeBytes length of the stored bytes
 * @param sha256 lowercase hex SHA-256 of the stored bytes
 * @param contentType the MIME type it was stored with
 */
public record DocumentRef(String name, String key, long sizeBytes, String sha256, String contentType) {}
