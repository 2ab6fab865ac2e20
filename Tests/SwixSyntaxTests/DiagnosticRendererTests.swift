import Testing
@testable import SwixSyntax

@Suite("Diagnostic rendering")
struct DiagnosticRendererTests {
    /// A trace message of several lines (derivation errors: "whose name attribute is
    /// located at …") keeps its layout under the frame indentation, as CppNix prints it.
    @Test func multiLineTraceMessage() {
        let d = Diagnostic("required attribute 'builder' missing",
                           traces: [TraceFrame("while evaluating derivation 'foo'\n  whose name attribute is located at f.nix:1:2")])
        #expect(DiagnosticRenderer.render(d, positions: PositionTable()) == """
            error:
                   … while evaluating derivation 'foo'
                     whose name attribute is located at f.nix:1:2

                   error: required attribute 'builder' missing
            """)
    }
}
