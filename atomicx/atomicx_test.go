package atomicx_test

import (
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"unsafe"

	"go.uber.org/goleak"
	"pgregory.net/rapid"

	"github.com/xbeam/xbeam/atomicx"
	"github.com/xbeam/xbeam/internal/race"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestPaddingLayout(t *testing.T) {
	type hot struct {
		a atomicx.Uint64
		_ atomicx.Pad
		b atomicx.Uint64
	}
	var h hot
	if d := unsafe.Offsetof(h.b) - unsafe.Offsetof(h.a); d < atomicx.CacheLineSize {
		t.Errorf("fields separated by Pad are %d bytes apart, want >= %d", d, atomicx.CacheLineSize)
	}
	if got := unsafe.Sizeof(atomicx.Pad{}); got != atomicx.CacheLineSize {
		t.Errorf("Sizeof(Pad) = %d, want %d", got, atomicx.CacheLineSize)
	}
	// Adjacent slice elements: the end of one Value and the start of the
	// next must be at least a line apart, whatever the Value's size.
	checkSlice := func(name string, elem, value uintptr) {
		if gap := elem - value; gap < atomicx.CacheLineSize {
			t.Errorf("%s: %d bytes between adjacent Values, want >= %d", name, gap, atomicx.CacheLineSize)
		}
	}
	checkSlice("Padded[Uint64]", unsafe.Sizeof(atomicx.Padded[atomicx.Uint64]{}), unsafe.Sizeof(atomicx.Uint64{}))
	checkSlice("Padded[[40]byte]", unsafe.Sizeof(atomicx.Padded[[40]byte]{}), 40)
	checkSlice("Padded[[200]byte]", unsafe.Sizeof(atomicx.Padded[[200]byte]{}), 200)
	var p atomicx.Padded[atomicx.Uint64]
	if off := unsafe.Offsetof(p.Value); off != 0 {
		t.Errorf("Offsetof(Padded.Value) = %d, want 0", off)
	}
	s := make([]atomicx.Padded[atomicx.Int64], 2)
	if d := uintptr(unsafe.Pointer(&s[1].Value)) - uintptr(unsafe.Pointer(&s[0].Value)); d < atomicx.CacheLineSize+8 {
		t.Errorf("adjacent Padded[Int64] Values are %d bytes apart", d)
	}
}

func TestTypedAtomics(t *testing.T) {
	var u atomicx.Uint64
	if u.Add(3) != 3 || u.Or(8) != 3 || u.And(9) != 11 || u.Load() != 9 || u.Swap(1) != 9 || !u.CompareAndSwap(1, 2) || u.CompareAndSwap(1, 3) || u.Load() != 2 {
		t.Fatal("Uint64 arithmetic is wrong")
	}
	var u32 atomicx.Uint32
	if u32.Add(math.MaxUint32) != math.MaxUint32 || u32.Add(1) != 0 {
		t.Fatal("Uint32 does not wrap")
	}
	var i atomicx.Int64
	if i.Add(-5) != -5 || i.Swap(7) != -5 || !i.CompareAndSwap(7, 8) || i.Load() != 8 {
		t.Fatal("Int64 arithmetic is wrong")
	}
	var i32 atomicx.Int32
	i32.Store(-1)
	if i32.Add(1) != 0 {
		t.Fatal("Int32 arithmetic is wrong")
	}
	var up atomicx.Uintptr
	up.Store(4)
	if up.Or(1) != 4 || up.Load() != 5 {
		t.Fatal("Uintptr arithmetic is wrong")
	}
	var b atomicx.Bool
	if b.Load() || b.Swap(true) || !b.Load() || !b.CompareAndSwap(true, false) || b.Load() {
		t.Fatal("Bool is wrong")
	}
}

func TestZeroAllocs(t *testing.T) {
	var u atomicx.Uint64
	var c atomicx.Counter
	var small atomicx.Cell[int32]
	var big atomicx.Cell[[4]uint64]
	var s atomicx.Cell[string]
	c.Add(1)
	for name, fn := range map[string]func(){
		"Uint64.Add":   func() { u.Add(1) },
		"Counter.Add":  func() { c.Add(1) },
		"Cell[int32]":  func() { small.Store(small.Load() + 1) },
		"Cell[[4]u64]": func() { v := big.Load(); v[0]++; big.Store(v) },
		"Cell[string]": func() { s.Store("x"); _ = s.Load() },
	} {
		if n := testing.AllocsPerRun(100, fn); n != 0 {
			t.Errorf("%s allocates %v per op", name, n)
		}
	}
}

func TestCellModes(t *testing.T) {
	type pair struct{ A, B int32 }
	type boxed struct{ P *int }
	check := func(name, got, want string) {
		t.Helper()
		if got != want {
			t.Errorf("Cell[%s] mode = %s, want %s", name, got, want)
		}
	}
	check("int64", atomicx.CellMode(new(atomicx.Cell[int64])), "word")
	check("float64", atomicx.CellMode(new(atomicx.Cell[float64])), "word")
	check("pair", atomicx.CellMode(new(atomicx.Cell[pair])), "word")
	check("bool", atomicx.CellMode(new(atomicx.Cell[bool])), "word")
	check("*int", atomicx.CellMode(new(atomicx.Cell[*int])), "pointer")
	check("map", atomicx.CellMode(new(atomicx.Cell[map[int]int])), "pointer")
	check("func", atomicx.CellMode(new(atomicx.Cell[func()])), "pointer")
	check("boxed", atomicx.CellMode(new(atomicx.Cell[boxed])), "pointer")
	check("string", atomicx.CellMode(new(atomicx.Cell[string])), "locked")
	check("any", atomicx.CellMode(new(atomicx.Cell[any])), "locked")
	check("[3]uint64", atomicx.CellMode(new(atomicx.Cell[[3]uint64])), "locked")
}

func TestCellPointerKeepsReferentAlive(t *testing.T) {
	var c atomicx.Cell[*[1 << 10]byte]
	v := new([1 << 10]byte)
	v[7] = 42
	c.Store(v)
	v = nil
	runtime.GC()
	if got := c.Load(); got[7] != 42 {
		t.Fatalf("value behind the stored pointer changed: %d", got[7])
	}
}

// TestCellModel checks each Cell representation against a plain variable
// guarded by a mutex (sequentially the mutex is irrelevant; the model is the
// variable).
func TestCellModel(t *testing.T) {
	t.Run("word", func(t *testing.T) { cellModel(t, rapid.Int32()) })
	t.Run("float", func(t *testing.T) {
		cellModel(t, rapid.SampledFrom([]float64{0, math.Copysign(0, -1), 1.5, math.NaN(), math.Inf(1)}))
	})
	t.Run("pointer", func(t *testing.T) {
		ptrs := []*int{nil, new(int), new(int)}
		cellModel(t, rapid.SampledFrom(ptrs))
	})
	t.Run("locked", func(t *testing.T) { cellModel(t, rapid.StringN(0, 3, 3)) })
	t.Run("struct", func(t *testing.T) {
		type wide struct {
			A, B, C uint64
			S       string
		}
		cellModel(t, rapid.Custom(func(t *rapid.T) wide {
			return wide{rapid.Uint64Range(0, 2).Draw(t, "a"), rapid.Uint64().Draw(t, "b"), 7, rapid.SampledFrom([]string{"", "x"}).Draw(t, "s")}
		}))
	})
}

func cellModel[T comparable](t *testing.T, gen *rapid.Generator[T]) {
	rapid.Check(t, func(rt *rapid.T) {
		var c atomicx.Cell[T]
		var mu sync.Mutex
		var model T
		for range rapid.IntRange(1, 50).Draw(rt, "ops") {
			mu.Lock()
			switch rapid.IntRange(0, 3).Draw(rt, "op") {
			case 0:
				if got := c.Load(); got != model && !isNaN(got) {
					rt.Fatalf("Load = %v, model %v", got, model)
				}
			case 1:
				v := gen.Draw(rt, "v")
				c.Store(v)
				model = v
			case 2:
				v := gen.Draw(rt, "v")
				if old := c.Swap(v); old != model && !isNaN(old) {
					rt.Fatalf("Swap returned %v, model %v", old, model)
				}
				model = v
			case 3:
				old, v := gen.Draw(rt, "old"), gen.Draw(rt, "new")
				want := old == model
				if got := atomicx.CompareAndSwap(&c, old, v); got != want {
					rt.Fatalf("CompareAndSwap(%v, %v) = %v with value %v", old, v, got, model)
				}
				if want {
					model = v
				}
			}
			mu.Unlock()
		}
	})
}

func isNaN[T any](v T) bool {
	f, ok := any(v).(float64)
	return ok && f != f
}

// TestCellNoTornReads: writers store 32-byte values whose four words are all
// equal; a reader that ever sees two different words saw a torn value.
func TestCellNoTornReads(t *testing.T) {
	type quad struct{ A, B, C, D uint64 }
	iters := 200_000
	if testing.Short() || race.Enabled {
		iters = 20_000
	}
	for _, procs := range []int{2, 4, 8} {
		prev := runtime.GOMAXPROCS(procs)
		var c atomicx.Cell[quad]
		var wg sync.WaitGroup
		var torn atomicx.Int64
		for w := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range iters {
					v := uint64(i*2 + w)
					c.Store(quad{v, v, v, v})
				}
			}()
		}
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range iters {
					q := c.Load()
					if q.A != q.B || q.B != q.C || q.C != q.D {
						torn.Add(1)
					}
				}
			}()
		}
		wg.Wait()
		runtime.GOMAXPROCS(prev)
		if n := torn.Load(); n != 0 {
			t.Fatalf("GOMAXPROCS=%d: %d torn reads of a 32-byte Cell", procs, n)
		}
	}
}

// TestCellCompareAndSwapCounts: concurrent CAS increments lose nothing, in
// both the lock-free and the locked representation.
func TestCellCompareAndSwapCounts(t *testing.T) {
	const goroutines, per = 4, 2000
	var small atomicx.Cell[uint32]
	var big atomicx.Cell[[3]uint64]
	var wg sync.WaitGroup
	for range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range per {
				for {
					v := small.Load()
					if atomicx.CompareAndSwap(&small, v, v+1) {
						break
					}
				}
				for {
					v := big.Load()
					n := v
					n[0]++
					n[2] = n[0] * 2
					if atomicx.CompareAndSwap(&big, v, n) {
						break
					}
				}
			}
		}()
	}
	wg.Wait()
	if small.Load() != goroutines*per || big.Load()[0] != goroutines*per || big.Load()[2] != 2*goroutines*per {
		t.Fatalf("lost increments: small %d, big %v", small.Load(), big.Load())
	}
}

func TestCounter(t *testing.T) {
	var c atomicx.Counter
	const goroutines, per = 8, 5000
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range per {
				c.Add(int64(g%2*2 - 1 + 2)) // 1 or 3
			}
		}()
	}
	wg.Wait()
	if got, want := c.Load(), int64(goroutines/2*per*(1+3)); got != want {
		t.Fatalf("Load() = %d, want %d", got, want)
	}
	c.Reset()
	if got := c.Load(); got != 0 {
		t.Fatalf("Load() after Reset = %d", got)
	}
	c.Add(-4)
	if got := c.Load(); got != -4 {
		t.Fatalf("Load() = %d, want -4", got)
	}
}

func TestShardIndexSpreadsGoroutines(t *testing.T) {
	const n = 64
	seen := make(map[int]bool)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			i := atomicx.ShardIndex(n)
			if i < 0 || i >= n {
				t.Errorf("shard index %d out of [0, %d)", i, n)
			}
			mu.Lock()
			seen[i] = true
			mu.Unlock()
		}()
	}
	wg.Wait()
	// 32 goroutines over 64 shards: a hash that ignored the stack address
	// would put them all on one shard.
	if len(seen) < 8 {
		t.Fatalf("32 goroutines landed on only %d of %d shards", len(seen), n)
	}
}

// TestSnoozeYieldsWithOneProc checks that Snooze does not spin where nothing
// else can run: with GOMAXPROCS 1, a goroutine made runnable before the wait
// runs within the wait's first few Snoozes. A spinning Snooze would keep it
// off the only P until the wait reached its yields (step 7).
func TestSnoozeYieldsWithOneProc(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	snoozeUntilPark()
	var ran atomic.Bool
	go ran.Store(true)
	var b atomicx.Backoff
	// Gosched may pick the waiter again once (the scheduler looks at the
	// global queue first on every 61st tick), so three tries, not one.
	for i := 0; i < 3 && !ran.Load(); i++ {
		b.Snooze()
	}
	if !ran.Load() {
		t.Fatal("with GOMAXPROCS 1, a runnable goroutine did not run during three Snoozes")
	}
}

// TestSnoozeSpinsOnlyWithCoresToSpare checks Snooze's rule for spinning
// after it has seen each setting of GOMAXPROCS: spin with 2 Ps up to one
// per core, not with 1, not with more Ps than cores.
func TestSnoozeSpinsOnlyWithCoresToSpare(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	type spinCase struct {
		procs int
		spin  bool
	}
	cases := []spinCase{{1, false}, {runtime.NumCPU() + 1, false}}
	if runtime.NumCPU() >= 2 {
		cases = append(cases, spinCase{runtime.NumCPU(), true})
	}
	for _, c := range cases {
		runtime.GOMAXPROCS(c.procs)
		snoozeUntilPark()
		if got := atomicx.CanSpin(); got != c.spin {
			t.Errorf("GOMAXPROCS %d on %d cores: Snooze spins = %v, want %v",
				c.procs, runtime.NumCPU(), got, c.spin)
		}
	}
}

// snoozeUntilPark runs one whole wait, so that Snooze has read GOMAXPROCS
// (it does next to a wait's yields).
func snoozeUntilPark() {
	var b atomicx.Backoff
	for !b.ShouldPark() {
		b.Snooze()
	}
}

func TestBackoffReachesPark(t *testing.T) {
	var b atomicx.Backoff
	steps := 0
	for !b.ShouldPark() {
		b.Snooze()
		steps++
		if steps > 100 {
			t.Fatal("Backoff never reports ShouldPark")
		}
	}
	if steps < 5 {
		t.Fatalf("ShouldPark after only %d snoozes", steps)
	}
	for range 100 {
		b.Spin() // Spin never panics or blocks, however often
	}
	b.Reset()
	if b.ShouldPark() {
		t.Fatal("ShouldPark after Reset")
	}
}
