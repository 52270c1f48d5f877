package io.caravan.common;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.invoke.MethodHandles;
import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Field;
import java.util.Set;
import java.util.regex.Pattern;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Public APIs only, enforced by the build: no class of src/main reflects into other classes' private
 * members or depends on an {@code impl}/{@code internal} package of Camel, Vert.x, Netty or Spring,
 * except Camel's documented extension bases listed in {@link #DOCUMENTED_BASES}. Such uses break
 * silently on an upgrade. A violation fails this test, so {@code mvn verify} fails, naming class and line.
 * <p>
 * Why ArchUnit and not forbidden-apis: forbidden-apis class patterns ({@code org.apache.camel.impl.**})
 * cannot exclude one class, so the allowed {@code AbstractHealthCheck} would need a
 * {@code @SuppressForbidden} on each Caravan subclass, i.e. an exemption in our own code; here the
 * allow-list names the library class once. The price: {@code -DskipTests} skips the rule too.
 */
class PublicApiRulesTest {

    /** Library classes in an impl package that their project documents as a base to extend. Keep it short. */
    static final Set<String> DOCUMENTED_BASES = Set.of(
            "org.apache.camel.impl.health.AbstractHealthCheck");

    private static final Pattern REFLECTIVE = Pattern.compile(
            "getDeclared(Field|Fields|Method|Methods|Constructor|Constructors|Classes)");

    static final ArchRule NO_LIBRARY_INTERNALS = noClasses().should().dependOnClassesThat(
            JavaClass.Predicates.resideInAnyPackage(
                    "org.apache.camel..impl..", "org.apache.camel..internal..",
                    "io.vertx..impl..", "io.vertx..internal..",
                    "io.netty..impl..", "io.netty..internal..",
                    "org.springframework..impl..", "org.springframework..internal..")
                    .and(DescribedPredicate.describe("not a documented extension base",
                            (JavaClass c) -> !DOCUMENTED_BASES.contains(c.getName()))))
            .because("impl/internal packages change without notice; build on what the libraries publish");

    static final ArchRule NO_PRIVATE_REFLECTION = noClasses().should().callMethodWhere(DescribedPredicate.describe(
                    "setAccessible, getDeclared*, MethodHandles.privateLookupIn",
                    (JavaMethodCall call) -> isPrivateReflection(call)))
            .orShould().dependOnClassesThat().haveFullyQualifiedName("sun.misc.Unsafe")
            .because("reading or replacing a library's private state breaks silently on an upgrade");

    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.caravan");
    }

    private static boolean isPrivateReflection(final JavaMethodCall call) {
        final JavaClass owner = call.getTarget().getOwner();
        final String name = call.getTarget().getName();
        return owner.isAssignableTo(AccessibleObject.class) && name.endsWith("etAccessible")
                || owner.isEquivalentTo(Class.class) && REFLECTIVE.matcher(name).matches()
                || owner.isEquivalentTo(MethodHandles.class) && name.equals("privateLookupIn");
    }

    @Test
    void mainCodeUsesNoLibraryInternals() {
        assertThat(main.contain("io.caravan.CaravanApplication")).as("src/main classes imported").isTrue();
        NO_LIBRARY_INTERNALS.check(main);
    }

    @Test
    void mainCodeDoesNotReflectIntoPrivateMembers() {
        NO_PRIVATE_REFLECTION.check(main);
    }

    /** The rules can fail: each catches its fixture below (test classes, imported on purpose). */
    @Test
    void rulesCatchTheirFixtures() {
        final JavaClasses fixtures = new ClassFileImporter().importClasses(Reflective.class, Internal.class,
                HealthBase.class);
        final EvaluationResult reflection = NO_PRIVATE_REFLECTION.evaluate(fixtures);
        assertThat(reflection.getFailureReport().getDetails())
                .anySatisfy(line -> assertThat(line).contains("getDeclaredField").contains(Reflective.class.getName()))
                .anySatisfy(line -> assertThat(line).contains("setAccessible").contains(Reflective.class.getName()));
        final EvaluationResult internals = NO_LIBRARY_INTERNALS.evaluate(fixtures);
        assertThat(internals.getFailureReport().getDetails())
                .anySatisfy(line -> assertThat(line).contains(Internal.class.getName())
                        .contains("org.apache.camel.impl.engine.DefaultUnitOfWork"))
                .noneSatisfy(line -> assertThat(line).contains(HealthBase.class.getName()));
    }

    static final class Reflective {
        Object peek(final Object target) throws ReflectiveOperationException {
            final Field field = target.getClass().getDeclaredField("state");
            field.setAccessible(true);
            return field.get(target);
        }
    }

    static final class Internal {
        Class<?> type() {
            return org.apache.camel.impl.engine.DefaultUnitOfWork.class;
        }
    }

    abstract static class HealthBase extends org.apache.camel.impl.health.AbstractHealthCheck {
        HealthBase() {
            super("fixture");
        }
    }
}
