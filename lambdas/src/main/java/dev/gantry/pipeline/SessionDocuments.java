package dev.gantry.pipeline;

import dev.gantry.agent.DocumentSink;
import dev.gantry.agent.ToolException;
import dev.gantry.document.DocumentKeys;
import dev.gantry.document.DocumentRef;
import dev.gantry.document.DocumentStore;
import dev.gantry.session.Session;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The documents of one session during one stage: reads see earlier stages' documents and this
 * stage's writes; writes go to the document store at {@code sessions/{id}/{name}} and are collected
 * so the executor records them (name, size, SHA-256) on the session when the stage ends.
 *
 * <p>Documents are written once: a name recorded by an earlier stage cannot be written again.
 */
public final class SessionDocuments implements DocumentSink {
  /** Names the plan stage's CloudFormation template may have, in order of preference. */
  public static final java.util.List<String> TEMPLATE_NAMES = java.util.List.of("template.yaml", "template.yml", "template.json");

  private final DocumentStore store;
  private final Session session;
  private final String stage;
  private final Map<String, String> owners;
  private final Map<String, DocumentRef> written = new LinkedHashMap<>();

  /**
   * @param store where documents are stored
   * @param session the session as it was when the stage started
   */
  public SessionDocuments(DocumentStore store, Session session) {
    this(store, session, null, Map.of());
  }

  /**
   * The documents of one stage attempt, which may not write a document another stage owns.
   *
   * @param stage the stage writing
   * @param owners the stage that owns each declared document ({@link Pipelines#documentOwners()})
   */
  public SessionDocuments(DocumentStore store, Session session, String stage, Map<String, String> owners) {
    this.store = store;
    this.session = session;
    this.stage = stage;
    this.owners = Map.copyOf(owners);
  }

  @Override
  public synchronized DocumentRef write(String name, String content) {
    return write(name, content.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Writes a document of Gantry's own (such as the repository snapshot), of any content.
   *
   * @throws ToolException when an earlier stage wrote {@code name}
   */
  public synchronized DocumentRef write(String name, byte[] content) {
    requireNew(name);
    return record(name, store.put(DocumentKeys.sessionDocument(session.sessionId(), name), content, DocumentKeys.contentTypeOf(name)));
  }

  /**
   * Writes a document of Gantry's own from a file, without holding it in memory (the repository
   * snapshot).
   *
   * @throws ToolException when an earlier stage wrote {@code name}
   */
  public synchronized DocumentRef write(String name, java.nio.file.Path file) {
    requireNew(name);
    return record(name, store.put(DocumentKeys.sessionDocument(session.sessionId(), name), file, DocumentKeys.contentTypeOf(name)));
  }

  /**
   * Records a document another session stored, as it is, without copying it: the stage's documents
   * then name the same object and SHA-256 (a replay's snapshot, the original's {@code
   * repository.tar.gz}).
   *
   * @throws ToolException when an earlier stage of this session wrote a document of that name
   */
  public synchronized DocumentRef reuse(DocumentRef stored) {
    requireNew(stored.name());
    return record(stored.name(), stored);
  }

  private void requireNew(String name) {
    String owner = owners.get(name);
    if (stage != null && owner != null && !owner.equals(stage)) {
      throw new ToolException("document '" + name + "' belongs to the " + owner + " stage; the " + stage + " stage cannot write it");
    }
    if (session.documents().containsKey(name)) {
      throw new ToolException(
          "document '" + name + "' was written by an earlier stage; documents are written once");
    }
  }

  private DocumentRef record(String name, DocumentRef ref) {
    written.put(name, ref);
    return ref;
  }

  /** The text of a document of this session, from an earlier stage or this one. */
  public synchronized Optional<String> read(String name) {
    return readBytes(name).map(bytes -> new String(bytes, StandardCharsets.UTF_8));
  }

  /** The bytes of a document of this session, from an earlier stage or this one. */
  public synchronized Optional<byte[]> readBytes(String name) {
    DocumentRef ref = written.containsKey(name) ? written.get(name) : session.documents().get(name);
    if (ref == null) {
      return Optional.empty();
    }
    return store.get(ref.key());
  }

  /** The reference of a document of this session, from an earlier stage or this one. */
  public synchronized Optional<DocumentRef> find(String name) {
    DocumentRef ref = written.get(name);
    return Optional.ofNullable(ref != null ? ref : session.documents().get(name));
  }

  /** The first of {@code names} that this session has, if any. */
  public synchronized Optional<String> firstPresent(java.util.List<String> names) {
    return names.stream().filter(n -> written.containsKey(n) || session.documents().containsKey(n)).findFirst();
  }

  /** Documents written in this stage, by name. */
  public synchronized Map<String, DocumentRef> written() {
    return Map.copyOf(written);
  }

  /** The store, for stage state outside the session (the stack's approved template). */
  DocumentStore store() {
    return store;
  }
}
