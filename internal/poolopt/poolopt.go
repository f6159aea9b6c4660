// Package poolopt lets this module's structures set an option of an
// epoch.Pool that the public API does not offer.
//
// Package epoch sets [UnpinnedLoads] when it is initialized, so any package
// that imports epoch may call it.
package poolopt

// UnpinnedLoads marks pool, an *epoch.Pool[T], as one whose objects some
// goroutines still read after Put without pinning, with atomic loads only,
// and validate what they read (a segment's live word, say). Under the race
// detector Pool.Get then does not rewrite the objects it recycles: that
// check's plain write would race with those loads by design. The caller
// must check its own objects for premature reuse instead.
var UnpinnedLoads func(pool any)
