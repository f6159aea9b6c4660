package deque_test

import (
	"testing"

	"github.com/xbeam/xbeam/deque"
	"github.com/xbeam/xbeam/stress"
)

// FuzzWorker drives a Worker (flavour from the first byte) with the ops the
// remaining bytes encode, against stress.DequeModel.
func FuzzWorker(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 1, 2, 3, 4})
	f.Add([]byte{1, 0, 0, 0, 0, 0, 3, 1, 2, 4, 4})
	f.Add([]byte{0, 5, 5, 5, 5, 5, 5, 5, 5, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1})
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) == 0 {
			return
		}
		fl := flavors[int(ops[0])%len(flavors)]
		w := fl.new()
		s := w.Stealer()
		m := stress.NewDequeModel[uint64](fl.sf)
		next := uint64(0)
		for _, op := range ops[1:] {
			switch op % 6 {
			case 0: // push one
				w.Push(next)
				m.Push(next)
				next++
			case 5: // push many (to grow)
				for range int(op/6) * 8 {
					w.Push(next)
					m.Push(next)
					next++
				}
			case 1:
				v, ok := w.Pop()
				mv, mok := m.Pop()
				if v != mv || ok != mok {
					t.Fatalf("Pop = %d, %v; model %d, %v", v, ok, mv, mok)
				}
			case 2:
				v, st := s.Steal()
				mv, mok := m.Steal()
				if (st == deque.Success) != mok || st == deque.Retry || v != mv {
					t.Fatalf("Steal = %d, %v; model %d, %v", v, st, mv, mok)
				}
			case 3, 4:
				dst := flavors[int(op/6)%2].new()
				var taken []uint64
				var st deque.Status
				if op%6 == 3 {
					st = s.StealBatch(dst)
				} else {
					var v uint64
					if v, st = s.StealBatchAndPop(dst); st == deque.Success {
						taken = append(taken, v)
					}
				}
				if st == deque.Retry || (st == deque.Empty) != (m.Len() == 0) {
					t.Fatalf("batch steal = %v with %d items", st, m.Len())
				}
				taken = popAll(dst, taken)
				if err := m.StealBatch(taken); err != nil {
					t.Fatal(err)
				}
			}
			if w.Len() != m.Len() {
				t.Fatalf("Len = %d, model %d", w.Len(), m.Len())
			}
		}
	})
}
