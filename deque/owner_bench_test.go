package deque_test

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/xbeam/xbeam/deque"
)

// The owner patterns of a work-stealing scheduler, on Worker[uint64] alone
// (no peers), one op per item through the owner:
//
//	go test -run '^$' -bench 'Owner' -count 10 ./deque/ | benchstat -
//
// OwnerPair: Push(v); Pop(), the deque holding at most one item (every Pop
// races the thieves for the last item, though none are running).
// OwnerBurst8: push 8, then pop 8 (no last-item race but the eighth Pop).
// OwnerBurst256: push 256, then pop 256, with no thieves: the buffer grows
// past its first capacity on the first burst and is kept from then on.
// OwnerDrain256: push 256, then pop until empty while P-1 thieves loop
// Steal; an item taken by either side counts once.

func flavours() []struct {
	name string
	new  func() *deque.Worker[uint64]
} {
	return []struct {
		name string
		new  func() *deque.Worker[uint64]
	}{{"LIFO", deque.NewLIFO[uint64]}, {"FIFO", deque.NewFIFO[uint64]}}
}

func BenchmarkOwnerPair(b *testing.B) {
	for _, f := range flavours() {
		b.Run(f.name, func(b *testing.B) {
			b.ReportAllocs()
			w := f.new()
			var sum uint64
			for i := range uint64(b.N) {
				w.Push(i)
				v, _ := w.Pop()
				sum += v
			}
			if want := uint64(b.N) * uint64(b.N-1) / 2; sum != want {
				b.Fatalf("sum %d, want %d", sum, want)
			}
		})
	}
}

func BenchmarkOwnerBurst8(b *testing.B)   { benchOwnerBurst(b, 8) }
func BenchmarkOwnerBurst256(b *testing.B) { benchOwnerBurst(b, 256) }

// benchOwnerBurst pushes burst items, then pops burst items, b.N/burst
// times, on each flavour.
func benchOwnerBurst(b *testing.B, burst int) {
	for _, f := range flavours() {
		b.Run(f.name, func(b *testing.B) {
			b.ReportAllocs()
			w := f.new()
			var sum uint64
			i := uint64(0)
			for n := 0; n < b.N; n += burst {
				for range burst {
					w.Push(i)
					i++
				}
				for range burst {
					v, _ := w.Pop()
					sum += v
				}
			}
			if want := i * (i - 1) / 2; sum != want {
				b.Fatalf("sum %d, want %d", sum, want)
			}
		})
	}
}

func BenchmarkOwnerDrain256(b *testing.B) {
	for _, f := range flavours() {
		b.Run(f.name, func(b *testing.B) {
			b.ReportAllocs()
			w := f.new()
			s := w.Stealer()
			thieves := max(runtime.GOMAXPROCS(0)-1, 1)
			var stop atomic.Bool
			var stolen atomic.Uint64
			var wg sync.WaitGroup
			for range thieves {
				wg.Add(1)
				go func() {
					defer wg.Done()
					var sum uint64
					for !stop.Load() {
						if v, st := s.Steal(); st == deque.Success {
							sum += v
						}
					}
					stolen.Add(sum)
				}()
			}
			var sum uint64
			i := uint64(0)
			for n := 0; n < b.N; n += 256 {
				for range 256 {
					w.Push(i)
					i++
				}
				for {
					v, ok := w.Pop()
					if !ok {
						break
					}
					sum += v
				}
			}
			stop.Store(true)
			wg.Wait()
			// Pop reports empty only when top reached bottom: nothing is left.
			if got, want := sum+stolen.Load(), i*(i-1)/2; got != want {
				b.Fatalf("sum %d, want %d", got, want)
			}
		})
	}
}
