package dev.gantry.testing.crac;

/** A restore failed; the resources' exceptions are suppressed in it. */
public class RestoreException extends Exception {
  private static final long serialVersionUID = 1L;
}
