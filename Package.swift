// swift-tools-version: 6.0
import PackageDescription

// SwiftPM compiles every function with a frame pointer (`-fno-omit-frame-pointer`,
// which Swift's code generation follows): three instructions per call and one
// register fewer. The evaluator and the parser are mostly small functions called
// millions of times; without frame pointers they ran 5-7% fewer instructions
// (callgrind, Benchmarks/README.md). Profiles of them need DWARF unwinding
// (`perf record --call-graph dwarf`). The flag reaches the code generator through
// Clang's own option, after SwiftPM's.
let withoutFramePointers = ["-Xcc", "-Xclang", "-Xcc", "-mframe-pointer=none"]

let package = Package(
    name: "swix",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "swix", targets: ["swix"]),
        .library(name: "SwixSyntax", targets: ["SwixSyntax"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(name: "CGMP", path: "Sources/CGMP", pkgConfig: "gmp",
                       providers: [.apt(["libgmp-dev"])]),
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3",
                       providers: [.apt(["libsqlite3-dev"])]),
        // Message digests (MD5, SHA-1, SHA-256, SHA-512) from the system's OpenSSL:
        // a maintained library that builds in seconds (swift-crypto adds ~90 s).
        .systemLibrary(name: "COpenSSL", path: "Sources/COpenSSL", pkgConfig: "libcrypto",
                       providers: [.apt(["libssl-dev"])]),
        .target(name: "CSwixSupport"),
        // Populates the heap's next pages on another core (page_supply.c); linked
        // into the swix executable only, where mimalloc is.
        .target(name: "CSwixPageSupply"),
        // A short path for allocating and freeing Swift objects (object_allocation.c),
        // which the swix executable's link routes the runtime's entry points to.
        // (Functions called millions of times a second: no frame pointers.)
        .target(name: "CSwixObjectAllocation", cSettings: [.unsafeFlags(["-Xclang", "-mframe-pointer=none", "-fno-plt"])]),
        .target(
            name: "SwixSyntax",
            dependencies: ["CSwixSupport"],
            // Dynamic exclusivity checks on class properties cost ~14% of parse time
            // (measured with perf on parse_big); the parser never aliases its state.
            // (No -assume-single-threaded here: the lexer and the scope check run on
            // threads of their own for large inputs, so reference counts must be atomic.)
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"] + withoutFramePointers)]
        ),
        .target(name: "SwixStore", dependencies: ["COpenSSL"],
                swiftSettings: [.unsafeFlags(withoutFramePointers)]),
        .target(
            name: "SwixEval",
            dependencies: ["SwixSyntax", "SwixStore", "CGMP", "CSwixSupport"],
            exclude: ["README.md"],
            // Evaluator objects never cross threads (the parser's helper threads end
            // before evaluation starts): non-atomic reference counting is safe here,
            // and exclusivity is not checked at run time (measured on calls_fib). The stack
            // guard takes a local's address in every call, which made the compiler add a
            // stack-protector canary to the hottest functions (~1% of instructions); the
            // evaluator has no stack buffers for a canary to protect. No frame pointers
            // (see `withoutFramePointers`).
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked", "-Xfrontend", "-assume-single-threaded",
                                           "-Xfrontend", "-disable-stack-protector"] + withoutFramePointers)]
        ),
        .executableTarget(
            name: "swix",
            dependencies: [
                "SwixSyntax",
                "SwixEval",
                "CSwixPageSupply",
                "CSwixObjectAllocation",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // mimalloc replaces glibc's malloc for the whole process: the evaluator
            // allocates and frees millions of small objects (thunks, environments),
            // and mimalloc made the benchmarks 10-25% faster than glibc's allocator
            // (jemalloc: 5-15%), at about the same peak RSS (Benchmarks/README.md).
            // `--no-as-needed` keeps the library although no symbol names it alone.
            // The runtime's object allocation and deallocation go through
            // object_allocation.c (`--wrap`), which calls mimalloc directly; retains
            // and releases from the evaluator take reference_counting.c's short paths.
            linkerSettings: [.unsafeFlags(["-Xlinker", "--push-state", "-Xlinker", "--no-as-needed",
                                           "-lmimalloc", "-Xlinker", "--pop-state",
                                           "-Xlinker", "--wrap=swift_allocObject",
                                           "-Xlinker", "--wrap=swift_deallocClassInstance",
                                           "-Xlinker", "--wrap=swift_deallocObject",
                                           "-Xlinker", "--wrap=swift_nonatomic_release",
                                           "-Xlinker", "--wrap=swift_nonatomic_retain"])]
        ),
        .testTarget(name: "SwixSyntaxTests", dependencies: ["SwixSyntax"]),
        .testTarget(name: "SwixCLITests", dependencies: ["swix"]),
        .testTarget(name: "SwixStoreTests", dependencies: ["SwixStore"]),
        .testTarget(name: "SwixEvalTests", dependencies: ["SwixEval"]),
    ]
)
