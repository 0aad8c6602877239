import Testing
@testable import CascadeKit
@Test func smoke() { #expect(Side.long.sign == 1) }
