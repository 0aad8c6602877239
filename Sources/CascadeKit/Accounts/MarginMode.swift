/// How a position is margined: alone, with the margin set by its leverage (`isolated`), or
/// together with the other positions of its account, against the account's wallet (`cross`).
/// Written in the `marginMode` column of the positions CSV.
public enum MarginMode: String, Sendable, Hashable, CaseIterable {
    case isolated
    case cross
}
