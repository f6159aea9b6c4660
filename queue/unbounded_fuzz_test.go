package queue_test

import (
	"context"
	"errors"
	"testing"

	"github.com/xbeam/xbeam/queue"
	"github.com/xbeam/xbeam/stress"
)

// FuzzUnbounded replays fuzz input against an Unbounded and the sequential
// model of package stress. Each byte is one step: the low three bits choose
// the operation, the high five bits a count for bursts, scaled so that
// short inputs cross segment boundaries:
//
//	0, 1  TryPush of the next value
//	2     TryPop
//	3     Pop with a done context (an item, ErrClosed, or the ctx error)
//	4     a burst of count*97 TryPush
//	5     a burst of count*97 TryPop
//	6     Close
//	7     a ClaimPush left unfinished until the next step (a producer
//	      descheduled after its claim), then a TryPop, then the push's end
//
// Len is compared after every step.
func FuzzUnbounded(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0, 0, 2, 2, 2})
	f.Add([]byte{0xfc, 0xfc, 0xfd, 0xfd, 2})
	f.Add([]byte{0xfc, 0xfc, 0x7d, 7, 7, 2, 6, 3, 2, 3})
	f.Add([]byte{7, 0, 7, 2, 2, 7, 6, 7, 3})
	f.Fuzz(func(t *testing.T, data []byte) {
		q := queue.NewUnbounded[uint64]()
		m := stress.NewQueueModel[uint64](0)
		done, cancel := context.WithCancel(context.Background())
		cancel()
		next := uint64(0)
		push := func() {
			next++
			if got, want := q.TryPush(next), m.TryPush(next); got != want {
				t.Fatalf("TryPush(%d) = %v, model %v", next, got, want)
			}
		}
		pop := func() {
			got, ok := q.TryPop()
			want, wantOK := m.TryPop()
			if ok != wantOK || got != want {
				t.Fatalf("TryPop = %d, %v; model %d, %v", got, ok, want, wantOK)
			}
		}
		for i, b := range data {
			count := int(b>>3) * 97
			switch b & 7 {
			case 0, 1:
				push()
			case 2:
				pop()
			case 3:
				got, err := q.Pop(done)
				want, wantOK := m.TryPop()
				switch {
				case wantOK:
					if err != nil || got != want {
						t.Fatalf("Pop = %d, %v; model %d", got, err, want)
					}
				case m.Closed():
					if !errors.Is(err, queue.ErrClosed) {
						t.Fatalf("Pop on a closed, drained queue: %v", err)
					}
				default:
					if !errors.Is(err, context.Canceled) {
						t.Fatalf("Pop on an empty queue with a done ctx: %v", err)
					}
				}
			case 4:
				for range count {
					push()
				}
			case 5:
				for range count {
					pop()
				}
			case 6:
				q.Close()
				m.Close()
			case 7:
				// A producer claims an index and stalls; a consumer
				// comes by (and may abandon that index); then the
				// producer finishes. Sequentially, the push takes effect
				// when it finishes, after the pop.
				finish := queue.UnboundedClaimPush(q)
				pop()
				next++
				if got, want := finish(next), m.TryPush(next); got != want {
					t.Fatalf("step %d: stalled push of %d = %v, model %v", i, next, got, want)
				}
			}
			if got, want := q.Len(), m.Len(); got != want {
				t.Fatalf("step %d (%#x): Len = %d, model %d", i, b, got, want)
			}
		}
		for {
			want, wantOK := m.TryPop()
			got, ok := q.TryPop()
			if ok != wantOK || got != want {
				t.Fatalf("drain: TryPop = %d, %v; model %d, %v", got, ok, want, wantOK)
			}
			if !ok {
				break
			}
		}
	})
}
