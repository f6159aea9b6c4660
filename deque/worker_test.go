package deque_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xbeam/xbeam/atomicx"
	"github.com/xbeam/xbeam/deque"
	"github.com/xbeam/xbeam/internal/race"
	"github.com/xbeam/xbeam/stress"
	"pgregory.net/rapid"
)

type flavor struct {
	name string
	new  func() *deque.Worker[uint64]
	sf   stress.Flavor
}

var flavors = []flavor{
	{"LIFO", deque.NewLIFO[uint64], stress.LIFO},
	{"FIFO", deque.NewFIFO[uint64], stress.FIFO},
}

// popEach pops w until it is empty, passing each item to f.
func popEach[T any](w *deque.Worker[T], f func(T)) {
	for {
		v, ok := w.Pop()
		if !ok {
			return
		}
		f(v)
	}
}

// popAll pops w until it is empty and returns got with the items appended
// in the order popped.
func popAll[T any](w *deque.Worker[T], got []T) []T {
	popEach(w, func(v T) { got = append(got, v) })
	return got
}

func TestStatusString(t *testing.T) {
	for st, want := range map[deque.Status]string{
		deque.Empty: "Empty", deque.Success: "Success", deque.Retry: "Retry", deque.Status(7): "Status(7)",
	} {
		if got := st.String(); got != want {
			t.Errorf("Status(%d).String() = %q, want %q", int(st), got, want)
		}
	}
}

func TestOwnerOrder(t *testing.T) {
	for _, f := range flavors {
		t.Run(f.name, func(t *testing.T) {
			w := f.new()
			if _, ok := w.Pop(); ok {
				t.Fatal("Pop on an empty Worker reported true")
			}
			for i := range uint64(10) {
				w.Push(i)
			}
			if w.Len() != 10 || w.Stealer().Len() != 10 {
				t.Fatalf("Len = %d, Stealer().Len = %d, want 10", w.Len(), w.Stealer().Len())
			}
			got := popAll(w, nil)
			want := []uint64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
			if f.sf == stress.LIFO {
				slices.Reverse(want)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("pops = %v, want %v", got, want)
			}
			if w.IsLIFO() != (f.sf == stress.LIFO) {
				t.Fatalf("IsLIFO = %v", w.IsLIFO())
			}
		})
	}
}

// TestStealOldestFirst: steals take the oldest item, and Retry is never
// returned when nothing races (in particular, never for an empty source).
func TestStealOldestFirst(t *testing.T) {
	for _, f := range flavors {
		t.Run(f.name, func(t *testing.T) {
			w := f.new()
			s := w.Stealer()
			if _, st := s.Steal(); st != deque.Empty {
				t.Fatalf("Steal on empty = %v, want Empty", st)
			}
			dst := deque.NewFIFO[uint64]()
			if st := s.StealBatch(dst); st != deque.Empty {
				t.Fatalf("StealBatch on empty = %v, want Empty", st)
			}
			if _, st := s.StealBatchAndPop(dst); st != deque.Empty {
				t.Fatalf("StealBatchAndPop on empty = %v, want Empty", st)
			}
			for i := range uint64(100) {
				w.Push(i)
			}
			for i := range uint64(100) {
				v, st := s.Steal()
				if st != deque.Success || v != i {
					t.Fatalf("Steal = %d, %v; want %d, Success", v, st, i)
				}
			}
			if _, st := s.Steal(); st != deque.Empty {
				t.Fatalf("Steal after draining = %v, want Empty", st)
			}
		})
	}
}

// TestBatchSizes: a batch from n items takes between 1 and ceil(n/2) of
// the oldest, at most MaxBatch, and lands in dst in an order that dst's
// owner pops oldest first.
func TestBatchSizes(t *testing.T) {
	for _, f := range flavors {
		for _, df := range flavors {
			t.Run(f.name+"->"+df.name, func(t *testing.T) {
				for n := uint64(1); n <= 3*deque.MaxBatch; n++ {
					for _, andPop := range []bool{false, true} {
						w, dst := f.new(), df.new()
						for i := range n {
							w.Push(i)
						}
						var got []uint64
						if andPop {
							v, st := w.Stealer().StealBatchAndPop(dst)
							if st != deque.Success {
								t.Fatalf("n=%d: StealBatchAndPop = %v", n, st)
							}
							got = append(got, v)
						} else if st := w.Stealer().StealBatch(dst); st != deque.Success {
							t.Fatalf("n=%d: StealBatch = %v", n, st)
						}
						got = popAll(dst, got)
						k := uint64(len(got))
						if k < 1 || k > (n+1)/2 || k > deque.MaxBatch {
							t.Fatalf("n=%d andPop=%v: took %d items", n, andPop, k)
						}
						for i, v := range got {
							if v != uint64(i) {
								t.Fatalf("n=%d andPop=%v dst=%s: got %v, want the oldest in order", n, andPop, df.name, got)
							}
						}
						if w.Len() != int(n-k) {
							t.Fatalf("n=%d: source Len = %d, want %d", n, w.Len(), n-k)
						}
					}
				}
			})
		}
	}
}

func TestMisusePanics(t *testing.T) {
	w := deque.NewLIFO[int]()
	w.Push(1)
	s := w.Stealer()
	for name, fn := range map[string]func(){
		"StealBatch nil":          func() { s.StealBatch(nil) },
		"StealBatchAndPop nil":    func() { s.StealBatchAndPop(nil) },
		"StealBatch self":         func() { s.StealBatch(w) },
		"StealBatchAndPop self":   func() { s.StealBatchAndPop(w) },
		"Injector StealBatch nil": func() { deque.NewInjector[int]().StealBatch(nil) },
		"zero Worker Push":        func() { new(deque.Worker[int]).Push(1) },
		"Injector AndPop nil":     func() { deque.NewInjector[int]().StealBatchAndPop(nil) },
	} {
		func() {
			defer func() {
				r := recover()
				msg, _ := r.(string)
				if len(msg) < len("deque: ") || msg[:7] != "deque: " {
					t.Errorf("%s: panic %v, want a \"deque: \" message", name, r)
				}
			}()
			fn()
		}()
	}
	if v, ok := w.Pop(); !ok || v != 1 {
		t.Fatalf("the item was lost after the panics: %d, %v", v, ok)
	}
}

// TestGrowShrink: from 0 to 1M items and back, Len and capacity tracked.
// A Worker keeps buffers of up to KeepCap slots and halves larger ones at a
// quarter full; one made to shrink eagerly goes back down to MinCap.
func TestGrowShrink(t *testing.T) {
	n := uint64(1 << 20)
	if testing.Short() && race.Enabled {
		n = 1 << 17
	}
	for _, f := range flavors {
		for _, eager := range []bool{false, true} {
			floor := deque.KeepCap[uint64]()
			if eager {
				floor = deque.MinCap
			}
			t.Run(fmt.Sprintf("%s/eager=%v", f.name, eager), func(t *testing.T) {
				w := f.new()
				if eager {
					deque.ShrinkEagerly(w)
				}
				if deque.Cap(w) != deque.MinCap {
					t.Fatalf("initial Cap = %d", deque.Cap(w))
				}
				for i := range n {
					w.Push(i)
					if c := deque.Cap(w); uint64(c) < i+1 || uint64(c) > 2*(i+1) && c > deque.MinCap {
						t.Fatalf("after %d pushes: Cap = %d", i+1, c)
					}
				}
				if w.Len() != int(n) {
					t.Fatalf("Len = %d, want %d", w.Len(), n)
				}
				peak := deque.Cap(w)
				for i := range n {
					v, ok := w.Pop()
					want := n - 1 - i
					if f.sf == stress.FIFO {
						want = i
					}
					if !ok || v != want {
						t.Fatalf("pop %d = %d, %v; want %d", i, v, ok, want)
					}
					left := int(n - 1 - i)
					c := deque.Cap(w)
					if c > floor && left < c/8 {
						t.Fatalf("%d items left, Cap = %d: did not shrink", left, c)
					}
					if c < floor {
						t.Fatalf("%d items left, Cap = %d: shrank below %d", left, c, floor)
					}
				}
				if deque.Cap(w) != floor || w.Len() != 0 {
					t.Fatalf("after draining: Cap = %d (peak %d), Len = %d; want Cap %d", deque.Cap(w), peak, w.Len(), floor)
				}
			})
		}
	}
}

// TestKeepCap: bursts that fit in KeepCap slots grow the buffer once and
// then move no buffer: no buffer is retired after the first burst.
func TestKeepCap(t *testing.T) {
	require.Greater(t, deque.KeepCap[uint64](), deque.MinCap)
	require.Equal(t, deque.MinCap, deque.KeepCap[[4096]byte](), "a large T keeps only the smallest buffer")
	for _, f := range flavors {
		t.Run(f.name, func(t *testing.T) {
			w := f.new()
			burst := func() {
				for i := range uint64(deque.KeepCap[uint64]()) {
					w.Push(i)
				}
				popEach(w, func(uint64) {})
			}
			burst()
			require.Equal(t, deque.KeepCap[uint64](), deque.Cap(w))
			retired := 0
			deque.SetRetireHook(func(any) { retired++ })
			defer deque.SetRetireHook(nil)
			for range 10 {
				burst()
			}
			assert.Zero(t, retired, "buffers retired by bursts of KeepCap items after the first")
			assert.Equal(t, deque.KeepCap[uint64](), deque.Cap(w))
		})
	}
}

// TestOwnerAllocs: the owner's Push+Pop allocate nothing in steady state,
// including a grow-shrink cycle once the recycler is warm.
func TestOwnerAllocs(t *testing.T) {
	if race.Enabled {
		t.Skip("allocation counts are not meaningful under the race detector")
	}
	for _, f := range flavors {
		t.Run(f.name, func(t *testing.T) {
			w := deque.ShrinkEagerly(f.new()) // the cycle below grows and shrinks
			if a := testing.AllocsPerRun(1000, func() {
				w.Push(1)
				w.Pop()
			}); a != 0 {
				t.Errorf("Push+Pop: %v allocs, want 0", a)
			}
			cycle := func() {
				for i := range uint64(4 * deque.MinCap) {
					w.Push(i)
				}
				for range 4 * deque.MinCap {
					w.Pop()
				}
			}
			for range 10 {
				cycle()
				deque.Flush()
			}
			if a := testing.AllocsPerRun(20, func() { cycle(); deque.Flush() }); a != 0 {
				t.Errorf("grow-shrink cycle: %v allocs, want 0", a)
			}
			dst := f.new()
			steals := func() {
				for i := range uint64(2 * deque.MaxBatch) {
					w.Push(i)
				}
				w.Stealer().StealBatch(dst)
				w.Stealer().StealBatchAndPop(dst)
				w.Stealer().Steal()
				for _, d := range []*deque.Worker[uint64]{dst, w} {
					for {
						if _, ok := d.Pop(); !ok {
							break
						}
					}
				}
			}
			steals()
			if a := testing.AllocsPerRun(100, steals); a != 0 {
				t.Errorf("steals: %v allocs, want 0", a)
			}
		})
	}
}

// TestPopStealLastItem is the deterministic regression test of the race
// for the last item: a thief paused just before its claim while the owner
// pops the same (last) item. Exactly one of them gets it.
func TestPopStealLastItem(t *testing.T) {
	for _, f := range flavors {
		t.Run(f.name, func(t *testing.T) {
			w := f.new()
			w.Push(42)
			var ownerGot, ownerOK = uint64(0), false
			deque.SetStealHook(func() {
				deque.SetStealHook(nil)
				ownerGot, ownerOK = w.Pop() // the owner wins the race
			})
			defer deque.SetStealHook(nil)
			v, st := w.Stealer().Steal()
			if !ownerOK || ownerGot != 42 {
				t.Fatalf("owner Pop = %d, %v; want 42, true", ownerGot, ownerOK)
			}
			if st != deque.Retry {
				t.Fatalf("thief Steal = %d, %v after the owner took the item; want Retry", v, st)
			}
			if _, st := w.Stealer().Steal(); st != deque.Empty {
				t.Fatalf("Steal afterwards = %v, want Empty", st)
			}
			if _, ok := w.Pop(); ok {
				t.Fatal("Pop afterwards reported an item")
			}
			// And the other way round: the thief claims first; the owner's
			// Pop then finds nothing.
			w.Push(43)
			v, st = w.Stealer().Steal()
			if st != deque.Success || v != 43 {
				t.Fatalf("Steal = %d, %v", v, st)
			}
			if _, ok := w.Pop(); ok {
				t.Fatal("Pop after the steal reported an item")
			}
			w.Push(44)
			if v, ok := w.Pop(); !ok || v != 44 {
				t.Fatalf("Pop after the race = %d, %v", v, ok)
			}
		})
	}
}

// TestTakeLastItemRace replays the take's own race for the last item: the
// LIFO owner pops with two items left and, between lowering bottom and
// reading top, a thief steals the older one; the owner must then win the
// remaining item with a CAS, and nothing is lost or duplicated.
func TestTakeLastItemRace(t *testing.T) {
	w := deque.NewLIFO[int]()
	w.Push(0)
	w.Push(1)
	var thiefGot int
	var thiefSt deque.Status
	deque.SetTakeHook(func() {
		deque.SetTakeHook(nil)
		thiefGot, thiefSt = w.Stealer().Steal()
	})
	defer deque.SetTakeHook(nil)
	v, ok := w.Pop()
	if thiefSt != deque.Success || thiefGot != 0 {
		t.Fatalf("thief = %d, %v; want 0, Success", thiefGot, thiefSt)
	}
	if !ok || v != 1 {
		t.Fatalf("owner Pop = %d, %v; want 1, true", v, ok)
	}
	if _, st := w.Stealer().Steal(); st != deque.Empty {
		t.Fatalf("Steal afterwards = %v, want Empty", st)
	}
	if w.Len() != 0 {
		t.Fatalf("Len = %d", w.Len())
	}
	w.Push(2)
	if v, ok := w.Pop(); !ok || v != 2 {
		t.Fatalf("Pop after the race = %d, %v", v, ok)
	}
}

// TestStealRacingResize is the deterministic regression test of the
// CVE-2021-32810 class: a thief that has loaded the buffer pointer is
// paused while the owner pops, pushes, grows and shrinks the buffer many
// times and the epoch collector is flushed. The thief's buffer must not be
// handed out again while it is pinned, the thief must not return an item
// twice, and every item must be taken exactly once.
func TestStealRacingResize(t *testing.T) {
	for _, f := range flavors {
		for _, op := range []string{"Steal", "StealBatch", "StealBatchAndPop"} {
			t.Run(f.name+"/"+op, func(t *testing.T) {
				w := deque.ShrinkEagerly(f.new()) // pop(4 * MinCap) below shrinks
				taken := map[uint64]int{}
				next := uint64(0)
				push := func(n int) {
					for range n {
						w.Push(next)
						next++
					}
				}
				pop := func(n int) {
					for range n {
						if v, ok := w.Pop(); ok {
							taken[v]++
						}
					}
				}
				push(10)
				var retired []any
				deque.SetRetireHook(func(b any) { retired = append(retired, b) })
				defer deque.SetRetireHook(nil)
				var thiefBuf any
				deque.SetStealHook(func() {
					deque.SetStealHook(nil)
					thiefBuf = deque.Buffer(w)
					for range 20 {
						pop(5)
						push(4 * deque.MinCap) // grow
						deque.Flush()
						pop(4 * deque.MinCap) // shrink
						deque.Flush()
						// Steals of pointer-free items outside race
						// builds do not pin, and their buffer may come
						// back (TestSpeculativeStealRecycled).
						if deque.Buffer(w) == thiefBuf && race.Enabled {
							t.Fatal("the thief's buffer was recycled while the thief was pinned")
						}
					}
				})
				defer deque.SetStealHook(nil)
				dst := deque.NewFIFO[uint64]()
				var st deque.Status
				switch op {
				case "Steal":
					var v uint64
					v, st = w.Stealer().Steal()
					if st == deque.Success {
						taken[v]++
					}
				case "StealBatch":
					st = w.Stealer().StealBatch(dst)
				case "StealBatchAndPop":
					var v uint64
					v, st = w.Stealer().StealBatchAndPop(dst)
					if st == deque.Success {
						taken[v]++
					}
				}
				if st != deque.Retry {
					t.Fatalf("%s across a buffer swap = %v, want Retry", op, st)
				}
				if len(retired) == 0 || !slices.Contains(retired, thiefBuf) {
					t.Fatal("the owner never retired the thief's buffer: the test did not exercise the race")
				}
				// The old buffer is recyclable again now that the thief has unpinned.
				for _, v := range popAll(dst, nil) {
					taken[v]++
				}
				for {
					v, st := w.Stealer().Steal()
					if st == deque.Empty {
						break
					}
					taken[v]++
				}
				for v := range next {
					if taken[v] != 1 {
						t.Fatalf("item %d taken %d times", v, taken[v])
					}
				}
			})
		}
	}
}

// TestModel checks both flavours against stress.DequeModel with rapid.
func TestModel(t *testing.T) {
	for _, f := range flavors {
		t.Run(f.name, func(t *testing.T) {
			rapid.Check(t, func(t *rapid.T) {
				w := f.new()
				s := w.Stealer()
				m := stress.NewDequeModel[uint64](f.sf)
				next := uint64(0)
				checkLen := func() {
					if w.Len() != m.Len() || s.Len() != m.Len() {
						t.Fatalf("Len = %d, Stealer().Len = %d, model %d", w.Len(), s.Len(), m.Len())
					}
				}
				batch := func(andPop bool) {
					dst := rapid.SampledFrom(flavors).Draw(t, "dst").new()
					n := m.Len()
					var taken []uint64
					var st deque.Status
					if andPop {
						var v uint64
						v, st = s.StealBatchAndPop(dst)
						if st == deque.Success {
							taken = append(taken, v)
						}
					} else {
						st = s.StealBatch(dst)
					}
					taken = popAll(dst, taken)
					if want := map[bool]deque.Status{true: deque.Empty, false: deque.Success}[n == 0]; st != want {
						t.Fatalf("batch steal from %d items = %v, want %v", n, st, want)
					}
					if len(taken) > (n+1)/2 || len(taken) > deque.MaxBatch {
						t.Fatalf("batch steal took %d of %d", len(taken), n)
					}
					if err := m.StealBatch(taken); err != nil {
						t.Fatal(err)
					}
				}
				t.Repeat(map[string]func(*rapid.T){
					"Push": func(t *rapid.T) {
						for range rapid.IntRange(1, 100).Draw(t, "n") {
							w.Push(next)
							m.Push(next)
							next++
						}
						checkLen()
					},
					"Pop": func(t *rapid.T) {
						for range rapid.IntRange(1, 100).Draw(t, "n") {
							v, ok := w.Pop()
							mv, mok := m.Pop()
							if v != mv || ok != mok {
								t.Fatalf("Pop = %d, %v; model %d, %v", v, ok, mv, mok)
							}
						}
						checkLen()
					},
					"Steal": func(t *rapid.T) {
						v, st := s.Steal()
						mv, mok := m.Steal()
						if (st == deque.Success) != mok || st == deque.Retry || v != mv {
							t.Fatalf("Steal = %d, %v; model %d, %v", v, st, mv, mok)
						}
						checkLen()
					},
					"StealBatch":       func(t *rapid.T) { batch(false); checkLen() },
					"StealBatchAndPop": func(t *rapid.T) { batch(true); checkLen() },
				})
			})
		})
	}
}

// TestCheckDeque runs the stress package's conservation hammer: owner plus
// 1..8 thieves mixing Steal, StealBatch and StealBatchAndPop, on several
// GOMAXPROCS values.
func TestCheckDeque(t *testing.T) {
	thieves := []int{1, 2, 4, 8}
	if testing.Short() {
		thieves = []int{1, 3, 8}
	}
	for _, f := range flavors {
		t.Run(f.name, func(t *testing.T) {
			newDeque := func() stress.Deque { return stress.AdaptDeque(f.new()) }
			stress.CheckDeque(t, newDeque, f.sf, stress.Options{Thieves: thieves})
		})
	}
}

// TestCheckDequeLinearizable records short concurrent histories and checks
// them against the sequential deque with porcupine.
func TestCheckDequeLinearizable(t *testing.T) {
	for _, f := range flavors {
		t.Run(f.name, func(t *testing.T) {
			newDeque := func() stress.Deque { return stress.AdaptDeque(f.new()) }
			stress.CheckDequeLinearizable(t, newDeque, f.sf, stress.Options{})
		})
	}
}

// TestLayout: the words written by different parties sit at least a cache
// line (as atomicx defines it) apart, and away from the owner's private
// fields at the start of the Worker.
func TestLayout(t *testing.T) {
	top, bottom, buf, head, tail := deque.Layout()
	if top < atomicx.CacheLineSize || bottom-top < atomicx.CacheLineSize || buf-bottom < atomicx.CacheLineSize {
		t.Errorf("Worker: top at %d, bottom at %d, buf at %d: want each a cache line (%d) from the owner's fields and from the one before", top, bottom, buf, atomicx.CacheLineSize)
	}
	if head < atomicx.CacheLineSize || tail-head < atomicx.CacheLineSize {
		t.Errorf("Injector: head at %d, tail at %d: want a cache line (%d) apart", head, tail, atomicx.CacheLineSize)
	}
}

// TestPushPastHeldSlot: a claim-first thief (T with pointers) that has won
// the oldest index is held before it reads the slot while the owner pushes
// and pops around the ring, past the slot's next index, so that the owner
// raises its push limit, growing or not, while the slot is held. The thief
// must read the item of the index it won, and every item must leave
// exactly once, with its pointer intact.
func TestPushPastHeldSlot(t *testing.T) {
	for _, f := range flavors {
		t.Run(f.name, func(t *testing.T) {
			rapid.Check(t, func(t *rapid.T) {
				w := deque.NewFIFO[*uint64]()
				if f.sf == stress.LIFO {
					w = deque.NewLIFO[*uint64]()
				}
				if rapid.Bool().Draw(t, "eager") {
					deque.ShrinkEagerly(w) // shrinks within these small bursts
				}
				m := stress.NewDequeModel[uint64](f.sf)
				next := uint64(0)
				push := func(n int) {
					for range n {
						v := next // a fresh variable per item
						w.Push(&v)
						m.Push(v)
						next++
					}
				}
				pop := func(t *rapid.T, n int) {
					for range n {
						v, ok := w.Pop()
						mv, mok := m.Pop()
						if ok != mok || ok && *v != mv {
							t.Fatalf("Pop = %v, %v; model %d, %v", v, ok, mv, mok)
						}
					}
				}
				push(rapid.IntRange(1, 3*deque.MinCap).Draw(t, "push"))
				pop(t, rapid.IntRange(0, m.Len()-1).Draw(t, "pop"))
				want, _ := m.Steal()
				deque.SetClaimHook(func() {
					deque.SetClaimHook(nil)
					for i := range rapid.IntRange(1, 8).Draw(t, "steps") {
						if rapid.Bool().Draw(t, fmt.Sprint("push", i)) {
							push(rapid.IntRange(1, 2*deque.MinCap).Draw(t, fmt.Sprint("n", i)))
						} else {
							pop(t, rapid.IntRange(1, deque.MinCap).Draw(t, fmt.Sprint("n", i)))
						}
					}
				})
				defer deque.SetClaimHook(nil)
				v, st := w.Stealer().Steal()
				require.Equal(t, deque.Success, st, "held Steal")
				require.Equal(t, want, *v, "held Steal")
				pop(t, m.Len()+1)
			})
		})
	}
}
