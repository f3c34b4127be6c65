package io.chat;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaConstructorCall;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.lang.ArchRule;
import io.chat.admin.AdminApi;
import io.chat.admin.AdminAuthFilter;
import io.chat.admin.AdminCredentials;
import io.chat.admin.Metrics;
import io.chat.api.Health;
import io.chat.api.PublicApi;
import io.chat.chat.ChatService;
import io.chat.http.HeaderDeadline;
import io.chat.socketio.SocketIoConfig;
import io.chat.socketio.SocketIoServer;
import io.chat.socketio.engine.EngineConfig;
import io.chat.socketio.engine.EngineServer;
import io.chat.tenant.TenantRegistry;
import io.chat.tenant.auth.PasswordHasher;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The structure of the server's code, enforced: a one-way layering of its packages (no cycles), a protocol
 * engine that knows nothing of the chat, one package that talks SQL, and {@link Main} as the only place where
 * the long-lived objects are created and wired. Each package's {@code package-info.java} says the same in words;
 * a change to the allowed graph below is a design decision: make it here and there together.
 *
 * <p>Only the production classes are checked (target/classes): tests may reach into any package.
 */
class ArchitectureTest {
    /** The production classes: the folder (or jar) Main was loaded from, not the whole class path. */
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importLocations(Set.of(
                    Location.of(Main.class.getProtectionDomain().getCodeSource().getLocation())));

    private static final String ROOT = "io.chat";
    private static final String ADMIN = "io.chat.admin";
    private static final String API = "io.chat.api";
    private static final String CONFORMANCE = "io.chat.conformance";
    private static final String CHAT = "io.chat.chat";
    private static final String HTTP = "io.chat.http";
    private static final String TENANT = "io.chat.tenant";
    private static final String AUTH = "io.chat.tenant.auth";
    private static final String HISTORY = "io.chat.history";
    private static final String SOCKETIO = "io.chat.socketio";
    private static final String ENGINE = "io.chat.socketio.engine";
    private static final String REDIS = "io.chat.socketio.redis";
    private static final String CLUSTER = "io.chat.cluster";
    private static final String JSON = "io.chat.json";
    private static final String LIMITS = "io.chat.limits";

    /**
     * The allowed dependencies between our packages, from the top (the composition root) down. It is the graph the
     * code had when this test was written (jdeps -verbose:package target/classes), taken as the intended one:
     *
     * <pre>
     * io.chat (Main, Settings)   -> everything below
     * admin                      -> chat, http, tenant, tenant.auth, history, socketio.engine, json, limits
     * api                        -> chat, http, tenant, tenant.auth, history, json
     * cluster                    -> chat, tenant, socketio, socketio.redis (the nodes' notices to each other)
     * conformance                -> socketio, socketio.engine
     * chat                       -> tenant, tenant.auth, history, socketio, json, limits
     * http                       -> tenant, json
     * tenant                     -> tenant.auth, history, json, limits
     * tenant.auth                -> (none of ours)
     * history                    -> (none of ours)
     * socketio.redis             -> socketio, socketio.engine (the cluster adapter; Main wires it)
     * socketio                   -> socketio.engine
     * socketio.engine            -> (none of ours)
     * json                       -> (none of ours)
     * limits                     -> (none of ours)
     * </pre>
     *
     * The chat is the one feature that speaks Socket.IO; admin reads the engine for its metrics.
     */
    @Test
    void packagesDependOnEachOtherOneWay() {
        layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .layer("Root")
                .definedBy(ROOT)
                .layer("Admin")
                .definedBy(ADMIN)
                .layer("Api")
                .definedBy(API)
                .layer("Cluster")
                .definedBy(CLUSTER)
                .layer("Conformance")
                .definedBy(CONFORMANCE)
                .layer("Chat")
                .definedBy(CHAT)
                .layer("Http")
                .definedBy(HTTP)
                .layer("Tenant")
                .definedBy(TENANT)
                .layer("Auth")
                .definedBy(AUTH)
                .layer("History")
                .definedBy(HISTORY)
                .layer("Redis")
                .definedBy(REDIS)
                .layer("SocketIo")
                .definedBy(SOCKETIO)
                .layer("Engine")
                .definedBy(ENGINE)
                .layer("Json")
                .definedBy(JSON)
                .layer("Limits")
                .definedBy(LIMITS)
                .whereLayer("Root")
                .mayNotBeAccessedByAnyLayer()
                .whereLayer("Admin")
                .mayOnlyAccessLayers("Chat", "Http", "Tenant", "Auth", "History", "Engine", "Json", "Limits")
                .whereLayer("Api")
                .mayOnlyAccessLayers("Chat", "Http", "Tenant", "Auth", "History", "Json")
                .whereLayer("Cluster")
                .mayOnlyAccessLayers("Chat", "Tenant", "SocketIo", "Redis")
                .whereLayer("Conformance")
                .mayOnlyAccessLayers("SocketIo", "Engine")
                .whereLayer("Chat")
                .mayOnlyAccessLayers("Tenant", "Auth", "History", "SocketIo", "Json", "Limits")
                .whereLayer("Http")
                .mayOnlyAccessLayers("Tenant", "Json")
                .whereLayer("Tenant")
                .mayOnlyAccessLayers("Auth", "History", "Json", "Limits")
                .whereLayer("Auth")
                .mayNotAccessAnyLayer()
                .whereLayer("History")
                .mayNotAccessAnyLayer()
                .whereLayer("Redis")
                .mayOnlyAccessLayers("SocketIo", "Engine")
                .whereLayer("SocketIo")
                .mayOnlyAccessLayers("Engine")
                .whereLayer("Engine")
                .mayNotAccessAnyLayer()
                .whereLayer("Json")
                .mayNotAccessAnyLayer()
                .whereLayer("Limits")
                .mayNotAccessAnyLayer()
                .check(CLASSES);
    }

    /** A new package is placed in the layering above (and gets a package-info) before it is used. */
    @Test
    void everyPackageHasAPlaceInTheLayering() {
        classes()
                .should()
                .resideInAnyPackage(
                        ROOT,
                        ADMIN,
                        API,
                        CONFORMANCE,
                        CHAT,
                        HTTP,
                        TENANT,
                        AUTH,
                        HISTORY,
                        SOCKETIO,
                        ENGINE,
                        REDIS,
                        CLUSTER,
                        JSON,
                        LIMITS)
                .because("the layering in this test lists every package of ours")
                .check(CLASSES);
    }

    @Test
    void noCyclesBetweenPackages() {
        slices().matching("io.(**)").should().beFreeOfCycles().check(CLASSES);
    }

    /** The Socket.IO server and its Engine.IO engine are a library: they know no tenant, store, chat or HTTP API. */
    @Test
    void socketIoImportsNothingElseOfOurs() {
        noClasses()
                .that()
                .resideInAPackage("io.chat.socketio..")
                .should()
                .dependOnClassesThat(resideInAPackage("io.chat..").and(not(resideInAPackage("io.chat.socketio.."))))
                .check(CLASSES);
    }

    /** The engine is the lower half: it knows nothing of Socket.IO's namespaces, sockets or packets. */
    @Test
    void engineIoDoesNotKnowSocketIo() {
        noClasses()
                .that()
                .resideInAPackage(ENGINE)
                .should()
                .dependOnClassesThat()
                .resideInAPackage(SOCKETIO)
                .check(CLASSES);
    }

    /**
     * The store is the one place that talks SQL, H2 or PostgreSQL (its driver, pool and migrations): swapping one
     * database for another touches nothing else.
     */
    @Test
    void onlyTheStoreTouchesSql() {
        noClasses()
                .that()
                .resideOutsideOfPackage(HISTORY)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "java.sql..", "javax.sql..", "org.h2..", "org.postgresql..", "com.zaxxer..", "org.flywaydb..")
                .check(CLASSES);
    }

    /**
     * The chat is the one feature that speaks Socket.IO; admin's metrics read the engine's session counts. The
     * others share the application's JSON mapper, not the protocol's.
     */
    @Test
    void onlyTheChatSpeaksSocketIo() {
        noClasses()
                .that()
                .resideInAnyPackage(TENANT, HTTP, API, ADMIN)
                .should()
                .dependOnClassesThat()
                .resideInAPackage(SOCKETIO)
                .check(CLASSES);
        noClasses()
                .that()
                .resideInAnyPackage(TENANT, HTTP, API, CHAT)
                .should()
                .dependOnClassesThat()
                .resideInAPackage(ENGINE)
                .check(CLASSES);
    }

    /** Main is the composition root: the long-lived objects are created there and nowhere else. */
    @Test
    void onlyMainCreatesTheServices() {
        Set<String> services = names(
                TenantRegistry.class,
                ChatService.class,
                PublicApi.class,
                Health.class,
                AdminApi.class,
                AdminAuthFilter.class,
                Metrics.class,
                PasswordHasher.class,
                HeaderDeadline.class);
        noClasses()
                .that()
                .resideOutsideOfPackage(ROOT)
                .should()
                .callConstructorWhere(describe(
                        "a constructor of " + services,
                        (JavaConstructorCall call) ->
                                services.contains(call.getTargetOwner().getName())
                                        // a class may delegate to its own constructors
                                        && !call.getOriginOwner().equals(call.getTargetOwner())))
                .check(CLASSES);
        noClasses()
                .that()
                .resideOutsideOfPackage(ROOT)
                .should()
                .callMethod(SocketIoServer.class, "create", SocketIoConfig.class)
                .orShould()
                .callMethod(
                        AdminCredentials.class,
                        "load",
                        java.util.Optional.class,
                        java.util.Optional.class,
                        java.nio.file.Path.class,
                        PasswordHasher.class,
                        java.util.function.Consumer.class)
                .check(CLASSES);
        // a Socket.IO server owns its engine; a bare engine (the conformance echo) is made by Main
        noClasses()
                .that()
                .resideOutsideOfPackage(ROOT)
                .and()
                .doNotBelongToAnyOf(SocketIoServer.class)
                .should()
                .callMethod(EngineServer.class, "create", EngineConfig.class, Function.class)
                .check(CLASSES);
    }

    /** The web server is built, and the configuration read, in the root package only. */
    @Test
    void onlyTheRootBuildsTheWebServerAndReadsConfiguration() {
        noClasses()
                .that()
                .resideOutsideOfPackage(ROOT)
                .should()
                .dependOnClassesThat()
                .haveFullyQualifiedName("io.helidon.webserver.WebServer")
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName("io.helidon.webserver.WebServerConfig")
                .orShould()
                .dependOnClassesThat()
                .resideInAPackage("io.helidon.config..")
                .check(CLASSES);
    }

    @Test
    void mainIsTheOnlyEntryPoint() {
        ArchRule rule = methods()
                .that()
                .haveName("main")
                .and()
                .haveModifier(JavaModifier.STATIC)
                .should()
                .beDeclaredIn(Main.class);
        rule.check(CLASSES);
    }

    private static Set<String> names(Class<?>... types) {
        return Stream.of(types).map(Class::getName).collect(Collectors.toSet());
    }
}
