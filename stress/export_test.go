package stress

import (
	"sync/atomic"
	"time"

	"github.com/anishathalye/porcupine"
)

// Op is one operation of a hand-written history, for the model tests.
// Kind is one of TryPush, TryPop, Push, Pop, Close (queues) or DPush, DPop,
// Steal, StealBatch (deques); Err is "", "closed", "ctx" or "other";
// Items are the items a steal took.
type Op struct {
	Client       int
	Call, Return int64
	Kind         string
	V            uint64
	OK           bool
	Err          string
	St           StealResult
	Items        []uint64
}

func (o Op) operation() porcupine.Operation {
	errs := map[string]qErr{"": qErrNone, "closed": qErrClosed, "ctx": qErrCtx, "other": qErrOther}
	op := porcupine.Operation{ClientId: o.Client, Call: o.Call, Return: o.Return}
	switch o.Kind {
	case "TryPush", "TryPop", "Push", "Pop", "Close":
		kind := map[string]qOp{"TryPush": qTryPush, "TryPop": qTryPop, "Push": qPush, "Pop": qPop, "Close": qClose}[o.Kind]
		op.Input = qIn{op: kind, v: o.V}
		e := errs[o.Err]
		ok := o.OK
		if kind == qPush || kind == qPop {
			ok = e == qErrNone
		}
		v := uint64(0)
		if kind == qTryPop || kind == qPop {
			v = o.V
		}
		op.Output = qOut{v: v, ok: ok, err: e}
	default:
		kind := map[string]dOp{"DPush": dPush, "DPop": dPop, "Steal": dSteal, "StealBatch": dBatch}[o.Kind]
		op.Input = dIn{op: kind, v: o.V}
		if kind == dPop {
			op.Output = dOut{v: o.V, ok: o.OK}
		} else {
			op.Output = dOut{st: o.St, items: encodeSorted(o.Items)}
		}
	}
	return op
}

func history(ops []Op) []porcupine.Operation {
	var h []porcupine.Operation
	for _, o := range ops {
		h = append(h, o.operation())
	}
	return h
}

// QueueHistoryLinearizable checks a hand-written queue history.
func QueueHistoryLinearizable(capacity int, relaxedFull bool, ops []Op) bool {
	h := history(ops)
	if relaxedFull {
		addFullSlack(h)
	}
	return porcupine.CheckOperations(queueLinModel(capacity).Model, h)
}

// DequeHistoryLinearizable checks a hand-written deque history.
func DequeHistoryLinearizable(flavor Flavor, ops []Op) bool {
	return porcupine.CheckOperations(dequeLinModel(flavor).Model, history(ops))
}

// MinimizeQueueHistory returns the operations of an illegal queue history
// that the minimizer keeps, and the minimized history as a report prints
// it.
func MinimizeQueueHistory(capacity int, ops []Op) ([]Op, string) {
	c := &linChecker{model: queueLinModel(capacity), opts: Options{CheckTimeout: time.Minute}}
	h := history(ops)
	small := c.minimize(h)
	var kept []Op
	for _, op := range small {
		for i := range h {
			if h[i].Call == op.Call && h[i].ClientId == op.ClientId {
				kept = append(kept, ops[i])
			}
		}
	}
	return kept, c.format(small)
}

// StampEvents replays events on the recorders of one history, which share
// a clock: "cN" stamps an invocation by client N, "rN" the response to it.
// It returns each client's operations as {Call, Return} pairs in order.
func StampEvents(events ...string) map[int][][2]int64 {
	var clock atomic.Int64
	recs := map[int]*recorder{}
	open := map[int]int64{}
	out := map[int][][2]int64{}
	for _, e := range events {
		n := int(e[1] - '0')
		if recs[n] == nil {
			recs[n] = &recorder{clock: &clock, client: n}
		}
		r := recs[n]
		if e[0] == 'c' {
			open[n] = r.call()
			continue
		}
		r.ret(open[n], nil, nil)
		op := r.ops[len(r.ops)-1]
		out[n] = append(out[n], [2]int64{op.Call, op.Return})
	}
	return out
}
