package dev.gantry.document;

import java.util.regex.Pattern;

/** S3 key layout and document-name rules. */
public final class DocumentKeys {
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}\\.(md|json|yaml|yml|txt)");

  /** Prefix of every session document key. */
  public static final String SESSIONS_PREFIX = "sessions/";
  /** Prefix of every approved-template key. */
  public static final String STACKS_PREFIX = "stacks/";

  private DocumentKeys() {}

  /** Key of a session document: {@code sessions/{sessionId}/{name}}. */
  public static String sessionDocument(String sessionId, String name) {
    return SESSIONS_PREFIX + sessionId + "/" + name;
  }

  /** Key of the template last executed on a stack in a dry run: {@code stacks/{stackName}/approved-template.json}. */
  public static String approvedTemplate(String stackName) {
    return STACKS_PREFIX + stackName + "/approved-template.json";
  }

  /**
   * Whether {@code name} is an acceptable document name: lowercase letters, digits, {@code .},
   * {@code _}, {@code -}, at most 64 characters, ending in .md, .json, .yaml, .yml or .txt.
   */
  public static boolean isValidName(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  /** The MIME type for a document name's extension. */
  public static String contentTypeOf(String name) {
    if (name.endsWith(".md")) {
      return "text/markdown; charset=utf-8";
    }
    if (name.endsWith(".json")) {
      return "application/json";
    }
    if (name.endsWith(".yaml") || name.endsWith(".yml")) {
      return "application/yaml";
    }
    if (name.endsWith(".jsonl")) {
      return "application/jsonl";
    }
    if (name.endsWith(".tar.gz")) {
      return "application/gzip";
    }
    if (name.endsWith(".patch") || name.endsWith(".diff")) {
      return "text/x-diff; charset=utf-8"; // git format-patch's and most forges' type for patches
    }
    return "text/plain; charset=utf-8";
  }
}
