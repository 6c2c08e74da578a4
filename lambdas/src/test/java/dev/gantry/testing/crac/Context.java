package dev.gantry.testing.crac;

/** A group of resources notified together; see {@link Core}. */
public abstract class Context<R extends Resource> implements Resource {
  /** Adds a resource; the global context keeps it strongly (org.crac's wrapper holds the handler's resource weakly). */
  public abstract void register(R resource);
}
