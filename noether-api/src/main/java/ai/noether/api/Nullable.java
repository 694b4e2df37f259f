package ai.noether.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The annotated field, parameter, return value or record component may be null. Everything in
 * {@code ai.noether} that does not carry it is non-null: the build's NullAway check (see
 * docs/contributing.md) rejects code that stores, passes or returns null there, and code that
 * dereferences a {@code @Nullable} value without a check.
 *
 * <p>The api keeps its own annotation instead of adding a dependency (JSpecify, JSR 305): NullAway
 * and IDEs recognise any annotation named {@code Nullable}, and Guice lets a {@code @Nullable}
 * constructor parameter be injected with null. It is a declaration annotation, written before the
 * modifiers' type ({@code @Nullable String name}), not inside generic arguments.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.LOCAL_VARIABLE})
public @interface Nullable {}
