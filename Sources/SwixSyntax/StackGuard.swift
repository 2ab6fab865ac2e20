import CSwixSupport
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns runaway recursion into a clean error instead of a SIGSEGV.
///
/// Every recursive walker (parser, printer, analyser, evaluator) calls `check()` on
/// entry. It compares the address of a local variable with the lowest usable
/// address of the current thread's stack, as reported by the thread library, minus
/// a safety margin for the frames that run after the check.
public struct StackGuard {
    public let limit: UInt

    /// Bytes kept free below the check for the code that runs after it.
    public static let margin: UInt = 256 * 1024

    public init() {
        var low = UInt(swix_stack_low_bound())
        if low == 0 {
            // Unknown: assume the 8 MiB default below the current frame.
            low = StackGuard.currentAddress() &- 8 * 1024 * 1024 &+ 64 * 1024
        }
        limit = low &+ StackGuard.margin
    }

    @inline(__always)
    public static func currentAddress() -> UInt {
        var marker: UInt8 = 0
        return withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
    }

    /// True while there is enough stack left for another level of recursion.
    @inline(__always)
    public func hasRoom() -> Bool {
        StackGuard.currentAddress() > limit
    }
}

/// Starts `task` on a new thread with a `stackSize`-byte stack; nil if no thread
/// could be created (the caller then runs the work itself).
func startThread(stackSize: Int, _ task: ThreadTask) -> pthread_t? {
    #if os(Linux)
    var attr = pthread_attr_t()
    pthread_attr_init(&attr)
    pthread_attr_setstacksize(&attr, stackSize)
    defer { pthread_attr_destroy(&attr) }
    var thread = pthread_t()
    let context = Unmanaged.passRetained(task).toOpaque()
    let rc = pthread_create(&thread, &attr, { raw in
        let task = Unmanaged<ThreadTask>.fromOpaque(raw!).takeRetainedValue()
        task.run()
        return nil
    }, context)
    if rc != 0 {
        Unmanaged<ThreadTask>.fromOpaque(context).release()
        return nil
    }
    return thread
    #else
    return nil
    #endif
}

/// Runs `body` on a thread with a large stack and waits for it. Deeply nested input
/// (hundreds of thousands of levels) then parses and evaluates; past that limit the
/// stack guard reports a clean error.
public func runWithLargeStack<T>(stackSize: Int = 1 << 30, _ body: @escaping () -> T) -> T {
    var result: T?
    let task = ThreadTask {
        // (Deep recursion walks this stack up and down: fewer TLB misses.)
        swix_stack_prefer_huge_pages()
        result = body()
    }
    if let thread = startThread(stackSize: stackSize, task) {
        pthread_join(thread, nil)
    } else {
        task.run()
    }
    return result!
}

/// Runs `a` on a second thread (with a large stack) and `b` on this one, and
/// returns when both are done. The two must not write shared state.
public func runConcurrently(stackSize: Int = 1 << 30, _ a: @escaping () -> Void, _ b: () -> Void) {
    let task = ThreadTask(a)
    guard let thread = startThread(stackSize: stackSize, task) else {
        task.run()
        b()
        return
    }
    b()
    pthread_join(thread, nil)
}

final class ThreadTask: @unchecked Sendable {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
}
