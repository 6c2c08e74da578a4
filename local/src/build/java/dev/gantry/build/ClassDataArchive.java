package dev.gantry.build;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * The {@code local} module's package step, after the jar and {@code target/lib} are in place: writes
 * the launcher's class path and records a class-data archive (AppCDS, JEP 350 dynamic archive) of
 * the classes a few commands load, which the {@code gantry} launcher maps at start-up instead of
 * reading and verifying them from the jars.
 *
 * <ol>
 *   <li>{@code target/classpath}: the class path, one entry a line relative to {@code target/}: the
 *       module's jar, then {@code lib/}'s jars in name order. CDS checks that a run's class path
 *       is the recording's, entry by entry, so the launcher must not use the {@code lib/*} wildcard
 *       (its order is unspecified).
 *   <li>Jars in {@code lib/} whose manifest has a {@code Class-Path} lose that attribute (DynamoDB
 *       Local's names {@code .}, its own folder, and {@code DynamoDBLocal_lib/} jars that are not
 *       there): the class path is explicit, and CDS refuses a non-empty directory on it ("Cannot have
 *       non-empty directory in paths").
 *   <li>{@code target/gantry.jsa}: {@code java -XX:ArchiveClassesAtExit} running {@code
 *       dev.gantry.local.ArchiveTraining} on an empty {@code GANTRY_HOME} under {@code target/}, with
 *       the launcher's JVM options. The archive is valid only for the JDK that wrote it; another JDK
 *       ignores it (the launcher silences the JVM's notice).
 * </ol>
 *
 * <p>Run with Java's source-file mode from the module's pom: {@code java ClassDataArchive.java
 * TARGET_DIR JAR_NAME AGENTS_DIR}. Fails (exit 1) when the training commands do not answer as on an
 * empty home; a JVM that writes no archive (no base CDS archive) leaves a warning and no archive.
 */
public final class ClassDataArchive {
  /** The JVM options of the gantry launcher that the archive depends on: the garbage collector. */
  static final List<String> JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

  private ClassDataArchive() {}

  public static void main(String[] args) throws Exception {
    Path target = Path.of(args[0]).toAbsolutePath().normalize();
    String jar = args[1];
    Path agents = Path.of(args[2]).toAbsolutePath().normalize();
    List<String> entries = new ArrayList<>();
    entries.add(jar);
    try (Stream<Path> lib = Files.list(target.resolve("lib"))) {
      for (Path file : lib.filter(p -> p.getFileName().toString().endsWith(".jar"))
          .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList()) {
        dropClassPathAttribute(file);
        entries.add("lib/" + file.getFileName());
      }
    }
    Files.writeString(target.resolve("classpath"), String.join("\n", entries) + "\n", StandardCharsets.UTF_8);

    Path archive = target.resolve("gantry.jsa");
    Path home = target.resolve("cds-training-home");
    Files.deleteIfExists(archive);
    deleteTree(home);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:ArchiveClassesAtExit=" + archive);
    command.addAll(JVM_OPTIONS);
    command.add("-Xlog:cds=error"); // not a warning per class it leaves out (Java 5 class files, signed jars)
    command.add("-Xlog:cds+dynamic=error");
    command.add("-Dgantry.agents=" + agents);
    command.add("-cp");
    command.add(String.join(java.io.File.pathSeparator, entries.stream().map(e -> target.resolve(e).toString()).toList()));
    command.add("dev.gantry.local.ArchiveTraining");
    command.add(home.toString());
    Process training = new ProcessBuilder(command).inheritIO().start();
    int exit = training.waitFor();
    deleteTree(home);
    if (exit != 0) {
      System.err.println("class-data archive: the training run exited " + exit);
      System.exit(1);
    }
    if (!Files.isRegularFile(archive)) {
      // a JDK without a base CDS archive (some jlink images) writes none: ./gantry runs without it
      System.err.println("class-data archive: this JVM wrote no archive; gantry starts without one");
      return;
    }
    System.out.println("class-data archive: " + archive + " (" + Files.size(archive) / (1024 * 1024) + " MB), class path "
        + target.resolve("classpath") + " (" + entries.size() + " entries)");
  }

  /** Rewrites {@code file} without its manifest's {@code Class-Path}, entries otherwise as they were; leaves others alone. */
  static void dropClassPathAttribute(Path file) throws IOException {
    Path rewritten = file.resolveSibling(file.getFileName() + ".tmp");
    try (JarFile in = new JarFile(file.toFile(), false)) {
      Manifest manifest = in.getManifest();
      if (manifest == null || manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH) == null) {
        return;
      }
      manifest.getMainAttributes().remove(Attributes.Name.CLASS_PATH);
      try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(rewritten), manifest)) {
        for (Enumeration<JarEntry> all = in.entries(); all.hasMoreElements(); ) {
          JarEntry entry = all.nextElement();
          if (entry.getName().equalsIgnoreCase(JarFile.MANIFEST_NAME)) {
            continue;
          }
          JarEntry copy = new JarEntry(entry.getName());
          copy.setTime(entry.getTime());
          out.putNextEntry(copy);
          try (InputStream content = in.getInputStream(entry)) {
            content.transferTo(out);
          }
          out.closeEntry();
        }
      }
    }
    Files.move(rewritten, file, StandardCopyOption.REPLACE_EXISTING);
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> all = Files.walk(root)) {
      for (Path path : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
