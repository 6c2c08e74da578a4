package dev.gantry.agent;

import dev.gantry.document.DocumentRef;

/** Where the write_document tool puts what an agent writes: the current session's documents. */
@FunctionalInterface
public interface DocumentSink {

  /**
   * Stores a session document.
   *
   * @param name a valid document name ({@code DocumentKeys.isValidName})
   * @param content the document text, UTF-8
   * @return the stored document's reference
   */
  DocumentRef write(String name, String content);
}
