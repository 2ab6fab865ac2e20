// swift-tools-version: 6.0
//
// libFuzzer target for the swix parser. Kept out of the root package on purpose:
// it must be built with `-sanitize=fuzzer`, and its executable provides its own
// `main` that calls `LLVMFuzzerRunDriver` (SwiftPM's `--defsym main=…` would
// otherwise silently replace libFuzzer's `main`). See README.md.
import PackageDescription
import Foundation

// A path dependency's package identity is its directory name, so look it up
// instead of hard-coding the name of the checkout directory.
let rootPackage = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()
    .deletingLastPathComponent()
    .lastPathComponent

let package = Package(
    name: "SwixFuzz",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "SwixParserFuzz",
            dependencies: [
                .product(name: "SwixSyntax", package: rootPackage),
            ]
        ),
    ],
    swiftLanguageModes: [.v5]
)
