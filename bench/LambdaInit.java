import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Prints how long one Gantry handler takes to initialise in a fresh JVM: JVM start to class
 * loaded, and the no-arg constructor (clients built, agents loaded; no AWS call is made). This is
 * the work SnapStart snapshots; without SnapStart it is the cold-start INIT phase.
 * Run by bench/lambda-init.sh with the deployment jar on the class path.
 */
public final class LambdaInit {
  public static void main(String[] args) throws Exception {
    long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
    long loadStart = System.nanoTime();
    Class<?> handler = Class.forName(args[0]);
    long constructStart = System.nanoTime();
    handler.getConstructor().newInstance();
    long done = System.nanoTime();
    long sinceJvmStart = System.currentTimeMillis() - jvmStart;
    System.out.printf(Locale.ROOT, "%s %d %d %d%n", handler.getSimpleName(),
        (constructStart - loadStart) / 1_000_000, (done - constructStart) / 1_000_000, sinceJvmStart);
  }
}
