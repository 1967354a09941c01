/// An open-addressing hash table of `Int32` positions into an array the caller owns (records or configs): 4 bytes
/// per slot at a load of at most one half, instead of a `Dictionary` whose keys would copy the strings again.
/// Linear probing; `-1` marks an empty slot. Positions are never removed (the index is rebuilt instead).
/// A pure value.
struct SlotTable: Sendable {
    private(set) var slots: [Int32]
    private(set) var count = 0

    init(minimumCapacity: Int = 8) {
        var capacity = 8
        while capacity < minimumCapacity * 2 { capacity <<= 1 }
        slots = Array(repeating: -1, count: capacity)
    }

    /// The position whose element `matches`, searched from `hash`.
    func find(hash: Int, matches: (Int) -> Bool) -> Int? {
        let mask = slots.count - 1
        var slot = hash & mask
        while true {
            let position = slots[slot]
            if position < 0 { return nil }
            if matches(Int(position)) { return Int(position) }
            slot = (slot + 1) & mask
        }
    }

    /// Inserts `position` (not yet present) under `hash`; `hashOf` rehashes existing positions when the table grows.
    mutating func insert(_ position: Int, hash: Int, hashOf: (Int) -> Int) {
        if (count + 1) * 2 > slots.count {
            let old = slots
            slots = Array(repeating: -1, count: old.count * 2)
            for existing in old where existing >= 0 { place(existing, hash: hashOf(Int(existing))) }
        }
        place(Int32(position), hash: hash)
        count += 1
    }

    private mutating func place(_ position: Int32, hash: Int) {
        let mask = slots.count - 1
        var slot = hash & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = position
    }
}
