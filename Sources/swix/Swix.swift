import ArgumentParser
import CSwixObjectAllocation
import CSwixPageSupply
import SwixSyntax
#if canImport(Glibc)
import Glibc
#endif

/// `swix`: the command-line entry point. Subcommands speak the flag language of the
/// Nix tools they stand in for; invoked through a link named `nix-instantiate`, the
/// binary behaves as `swix instantiate`.
@main
struct Swix: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swix",
        abstract: "An interpreter for the Nix expression language.",
        subcommands: [Instantiate.self]
    )

    static func main() {
        // The page supply starts itself before `main` (page_supply.c); naming it here
        // keeps its object file, and so its constructor, in the executable.
        _ = swix_page_supply_active()
        // Objects are allocated and freed by a short path that writes and reads the
        // runtime's object header itself (object_allocation.c): checked before any
        // evaluation, against an object the runtime makes.
        swix_object_allocation_check(unsafeBitCast(AllocationProbe.self, to: UnsafeRawPointer.self),
                                     MemoryLayout<Int>.size * 3)
        // Retains and releases from the evaluator take short paths
        // (reference_counting.c), checked likewise.
        swix_reference_counting_check(Unmanaged.passRetained(ReleaseProbe()).toOpaque())
        if !ReleaseProbe.deinitialised {
            let message = "swix: an object's last release through reference_counting.c did not deinitialise it; "
                + "link swix without --wrap=swift_nonatomic_release/retain\n"
            _ = message.withCString { write(2, $0, strlen($0)) }
            abort()
        }
        let invokedAs = CommandLine.arguments.first.map { String($0.split(separator: "/").last ?? "") } ?? ""
        if invokedAs == "nix-instantiate" {
            Glibc.exit(Instantiate.execute(Array(CommandLine.arguments.dropFirst()), console: .standard))
        }
        // `swix instantiate …` takes its flags verbatim (help included), so it needs
        // nothing from the argument parser, whose reflection over the command types
        // costs about a millisecond at every start.
        if CommandLine.arguments.count > 1 && CommandLine.arguments[1] == "instantiate" {
            Glibc.exit(Instantiate.execute(Array(CommandLine.arguments.dropFirst(2)), console: .standard))
        }
        Self.main(nil)
    }
}

/// A class whose objects the allocation check makes (a header and one word).
private final class AllocationProbe {
    var word = 0
}

/// The object the reference-counting check releases: its deinitialiser records that
/// the last release reached it.
private final class ReleaseProbe {
    nonisolated(unsafe) static var deinitialised = false
    deinit { ReleaseProbe.deinitialised = true }
}

/// `swix instantiate`: `nix-instantiate`'s command line. Nix's flags do not fit a
/// declarative parser (`--arg NAME EXPR` takes two values, flags may repeat in any
/// order), so they are taken verbatim and read by `InstantiateOptions`.
struct Instantiate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "instantiate",
        abstract: "Parse or evaluate Nix expressions (nix-instantiate compatible).",
        discussion: InstantiateOptions.usage
    )

    @Argument(parsing: .captureForPassthrough, help: "nix-instantiate flags and files")
    var arguments: [String] = []

    func run() throws {
        let code = Instantiate.execute(arguments, console: .standard)
        if code != 0 { throw ExitCode(code) }
    }

    static func execute(_ arguments: [String], console: Console) -> Int32 {
        runWithLargeStack {
            let command = InstantiateCommand(console: console)
            let code = command.run(arguments)
            if console.isStandard {
                // Output is written unbuffered; skip tearing down the command's data.
                Glibc.exit(code)
            }
            return code
        }
    }
}
