package dev.gantry.deploy;

import java.util.List;

/** One family of template checks; the validator runs every rule on every parsed template. */
@FunctionalInterface
public interface TemplateRule {

  /**
   * Adds what {@code template} gets wrong to {@code findings}; a rule never throws for a bad
   * template, it reports it. Give each finding its {@link Finding#at path} so it gets a line.
   */
  void check(TemplateModel template, List<Finding> findings);
}
