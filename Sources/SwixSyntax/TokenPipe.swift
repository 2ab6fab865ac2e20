#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a lexer on its own thread, ahead of the parser, and hands its tokens over
/// in chunks. The lexer's state (its mode stack) never depends on the parser, so
/// lexing a large file can overlap with parsing it: on two cores this takes the
/// ~20% of parse time spent in the lexer off the critical path.
///
/// Used only for large inputs; small ones are lexed on demand (a thread costs
/// more than it saves below a few hundred kilobytes).
final class TokenPipe: @unchecked Sendable {
    static let chunkSize = 16 * 1024
    /// Inputs at least this large are lexed on a separate thread.
    static let threshold = 256 * 1024

    private let lexer: Lexer
    private var mutex = pthread_mutex_t()
    private var ready = pthread_cond_t()
    private var space = pthread_cond_t()
    private var chunks: [[Token]] = []
    private var finished = false
    private var cancelled = false
    private var thread = pthread_t()
    /// At most this many chunks wait for the parser: the lexer is faster, and
    /// tokens it ran ahead with are memory the parser does not need yet.
    private let maxPending = 4

    init(lexer: Lexer) {
        self.lexer = lexer
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&ready, nil)
        pthread_cond_init(&space, nil)
        let context = Unmanaged.passRetained(self).toOpaque()
        let rc = pthread_create(&thread, nil, { raw in
            let pipe = Unmanaged<TokenPipe>.fromOpaque(raw!).takeRetainedValue()
            pipe.produce()
            return nil
        }, context)
        if rc != 0 {
            // No thread: lex everything here instead.
            Unmanaged<TokenPipe>.fromOpaque(context).release()
            produce()
        } else {
            pthread_detach(thread)
        }
    }

    deinit {
        pthread_cond_destroy(&ready)
        pthread_cond_destroy(&space)
        pthread_mutex_destroy(&mutex)
    }

    private func produce() {
        while true {
            var done = false
            let chunk = [Token](unsafeUninitializedCapacity: TokenPipe.chunkSize) { buffer, filled in
                var n = 0
                while n < TokenPipe.chunkSize {
                    let t = lexer.next()
                    buffer.initializeElement(at: n, to: t)
                    n += 1
                    if t.kind == .eof || t.kind == .lexError {
                        done = true
                        break
                    }
                }
                filled = n
            }
            pthread_mutex_lock(&mutex)
            while chunks.count >= maxPending && !cancelled { pthread_cond_wait(&space, &mutex) }
            if cancelled {
                pthread_mutex_unlock(&mutex)
                return
            }
            chunks.append(chunk)
            if done { finished = true }
            pthread_cond_signal(&ready)
            pthread_mutex_unlock(&mutex)
            if done { return }
        }
    }

    /// The next chunk of tokens, or nil once the lexer has finished and every chunk
    /// was taken.
    func take() -> [Token]? {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        while chunks.isEmpty && !finished { pthread_cond_wait(&ready, &mutex) }
        if chunks.isEmpty { return nil }
        let chunk = chunks.removeFirst()
        pthread_cond_signal(&space)
        return chunk
    }

    /// Stops the lexer thread early (the parser gave up).
    func cancel() {
        pthread_mutex_lock(&mutex)
        cancelled = true
        pthread_cond_signal(&space)
        pthread_mutex_unlock(&mutex)
    }
}
