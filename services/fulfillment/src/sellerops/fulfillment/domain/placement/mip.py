"""The optimal strategy's mixed-integer program, in cents, solved by HiGHS, over lines (lines.py: SKUs of
one size tier, fee bracket and 1 % weight band). Columns:
  x[g,c]   units of line g to center c (only where c receives g's size tier), cost = transport per unit at the
           line's mean weight + holding at c;
  X[f,c,k] units of fee class f (tier + weight bracket: same fee) to c under split kind k, cost = fee;
  F[p,c,k] expected units of size tier p shipped from center c to catchment k (landed.py), cost = outbound;
  y[c]     binary, c receives units, cost = base charge per shipment;
  z[k]     binary, the plan's split kind.
Rows: per line sum_c x = q; per (f, c) sum_{g in f} x = sum_k X; per (tier, c) sum X <= min(cap, units) * y
(capacity, and a closed center receives nothing); per (f, c) sum_k X <= room * y, per (f, c, k)
X <= room * z[k] and per (f, k) sum_c X <= units_f * z[k] (no units under an unchosen kind; these
disaggregated links keep the relaxation tight); per c sum X >= y; one kind; lo_k * z <= sum y <= hi_k * z;
with buyer regions also per (tier, c) sum x = sum_k F (what a center holds is what it ships), per (tier, k)
sum_c F = expected demand, per flow F[p,c,k] <= demand[p,k] * y[c] (the strong facility-location link:
without it the relaxation opens centers by a fifth and leaves out nearly all base charges; with it the
root bound at 2,000 SKUs x 30 centers is within 0.01 % and no branching is needed), and the speed target's
row (sum F * share within the days >= target * units).

x, X and F are continuous; a line's units per center are rounded and repaired within capacity (`_integral`)
and then handed to its SKUs (lines.Problem.to_skus); `price` re-checks and re-prices every plan. The bound
is the solver's for the aggregated model less what the mean weights could overstate (`slack`), so it
bounds every SKU-level placement too.
"""

from collections import defaultdict
from typing import Any

from sellerops.contracts.inbound import SplitKind
from sellerops.fulfillment.domain.network import Center, distance_km
from sellerops.fulfillment.domain.placement.lines import Problem
from sellerops.fulfillment.domain.placement.model import Allocation

Array = Any  # a numpy array (numpy and highspy are imported when a plan is solved)
Highs = Any  # a highspy.Highs solver; HighsLp the model it solves
KINDS = (SplitKind.MINIMAL, SplitKind.PARTIAL, SplitKind.OPTIMIZED)
IDLE_CLOSINGS = 6  # _improve stops after this many closings in a row that did not pay (measured: 2,000 x 30)


class Mip:
    def __init__(self, problem: Problem, centers: list[Center] | tuple[Center, ...]) -> None:
        np, request = problem.np, problem.request
        self.np, self.problem, self.costs = np, problem, problem.costs
        self.tiers, self.classes, self.qty = problem.tiers, problem.classes, problem.qty
        self.tier_of, self.class_of = problem.tier_of, problem.class_of
        self.centers = [c for c in centers if any(c.can_receive(t) for t in self.tiers)]
        self.cap = np.array([[c.can_receive(t) for c in self.centers] for t in self.tiers])
        self.km = np.array([distance_km(request.ship_from, c.location) for c in self.centers])

    def slack(self) -> float:
        """How much the mean weights can overstate transport against the lightest SKU of each line (cents)."""
        p = self.problem
        return float(p.per_kg_km * ((p.weight - p.lightest) * p.qty).sum() * (self.km.max() if len(self.km) else 0))

    def solve(self, start: Allocation | None, time_limit_s: float,
              gap: float) -> tuple[Allocation, float, float] | None:
        """Relax, round, then branch: the LP relaxation gives a lower bound; fixing y and z (`_improve`) gives
        integral plans; only if the best of those and `start` is not within `gap` of the bound does HiGHS
        branch and cut (`_branch`) for the time left. Returns (allocation, lower bound in cents, solver
        seconds), or None when no plan is feasible (a speed target out of reach)."""
        import highspy

        lp, start_values = self._model(start)
        h = _highs(lp, time_limit_s, gap)
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        solution, bound = h.getSolution(), h.getInfo().objective_function_value
        relaxed, reduced = self.np.asarray(solution.col_value), self.np.asarray(solution.col_dual)
        incumbent = (float(lp.col_cost_ @ start_values), start_values) if start_values is not None else (
            float("inf"), None)
        best = self._improve(h, relaxed, incumbent, bound, gap, until=time_limit_s / 2)
        if best[1] is None:
            return None
        allocation: Allocation
        allocation, seconds = self._allocation(self._integral(best[1][: len(self.x_item)])), h.getRunTime()
        if best[0] - bound > gap * abs(best[0]) and seconds < time_limit_s - 0.05:
            reduced_y = reduced[self.binaries[: len(self.centers)]]
            allocation, bound, more = self._branch(allocation, best[0], bound, reduced_y, time_limit_s - seconds, gap)
            seconds += more
        return allocation, bound - self.slack(), seconds

    def _improve(self, h: Highs, relaxed: Array, best: tuple[float, Array | None], bound: float, gap: float,
                 until: float) -> tuple[float, Array | None]:
        """Open every center the relaxation sends units to (topped up with the nearest ones when it leans to the
        optimized kind with too few), then close them one at a time, smallest flow first, keeping each closing
        that makes the plan cheaper: the relaxation opens centers for a few units."""
        np, fees, m = self.np, self.costs.fees, len(self.centers)
        flow = np.bincount(self.x_center, weights=relaxed[: len(self.x_item)], minlength=m)
        opened = [int(c) for c in np.nonzero(flow > 1e-6)[0]]
        if KINDS[int(np.argmax(relaxed[-len(KINDS):]))] is SplitKind.OPTIMIZED:
            nearest = [int(c) for c in np.argsort(self.km, kind="stable") if c not in opened]
            opened += nearest[: max(0, min(fees.optimized_min_centers, m) - len(opened))]
        opened.sort(key=lambda c: (flow[c], self.km[c], c))
        keep, current, idle = opened, None, 0
        for closed in (None, *opened):
            trial = [c for c in keep if c != closed]
            found = self._with_open(h, trial) if trial else None
            if found is not None and (current is None or found[0] < current[0]):
                keep, current, best, idle = trial, found, min(best, found, key=lambda b: b[0]), 0
            else:
                idle += 1
            if best[0] - bound <= gap * abs(best[0]) or h.getRunTime() > until or idle >= IDLE_CLOSINGS:
                break
        return best

    def _with_open(self, h: Highs, keep: list[int]) -> tuple[float, Array] | None:  # (cost, column values)
        import highspy

        fixed = self.np.zeros(len(self.centers) + len(KINDS))
        fixed[keep] = 1
        fixed[len(self.centers) + KINDS.index(self.costs.fees.split_kind(len(keep)))] = 1
        h.changeColsBounds(len(fixed), self.binaries, fixed, fixed)
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        return h.getInfo().objective_function_value, self.np.asarray(h.getSolution().col_value)

    def _branch(self, allocation: Allocation, incumbent: float, bound: float, reduced: Array, time_left: float,
                gap: float) -> tuple[Allocation, float, float]:
        """Branch and cut on a smaller model. Reduced-cost fixing on the relaxation: opening a center whose
        reduced cost exceeds incumbent - bound cannot beat the incumbent, so its columns are dropped (the
        optimum is unchanged and the sub-model's bound stays valid); a center whose closing would cost that
        much stays open. Typically two thirds of the centers go, and HiGHS branches on the rest."""
        import highspy

        np, slack = self.np, incumbent - bound + 1e-6 * abs(incumbent) + 1.0
        used = {cid for cid, units in allocation.items() if any(units.values())}
        kept = tuple(c for c, r in zip(self.centers, reduced) if r <= slack or c.id in used)
        sub = Mip(self.problem, kept)
        lp, start_values = sub._model(allocation)
        if start_values is None:
            return allocation, bound, 0.0
        h, n = _highs(lp, time_left, gap), len(sub.binaries)
        for heuristic in ("rins", "rens", "feasibility_jump", "root_reduced_cost"):  # the incumbent is good:
            h.setOptionValue(f"mip_heuristic_run_{heuristic}", False)  # spend the time on the bound
        h.setOptionValue("mip_heuristic_effort", 0.0)
        forced = dict(zip((c.id for c in self.centers), reduced < -slack))
        lower = np.array([float(forced[c.id]) for c in sub.centers] + [0.0] * len(KINDS))
        h.changeColsBounds(n, sub.binaries, lower, np.ones(n))
        h.changeColsIntegrality(n, sub.binaries, np.full(n, highspy.HighsVarType.kInteger.value, dtype=np.uint8))
        h.setSolution(sub.n_cols, np.arange(sub.n_cols, dtype=np.int32), start_values)
        h.run()
        info = h.getInfo()
        if info.primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible.value:
            if info.objective_function_value < incumbent:
                allocation = sub._allocation(sub._integral(np.asarray(h.getSolution().col_value)[: len(sub.x_item)]))
            if np.isfinite(info.mip_dual_bound):
                bound = max(bound, info.mip_dual_bound)
        return allocation, bound, h.getRunTime()

    def _model(self, start: Allocation | None) -> tuple[Any, Array | None]:  # (highspy.HighsLp, start columns)
        import highspy

        np, fees, centers, landed = self.np, self.costs.fees, self.centers, self.problem.landed
        m, kinds, inf = len(centers), len(KINDS), highspy.kHighsInf
        class_tier = np.array([self.tiers.index(b.size_tier) for b in self.classes])
        class_units = np.bincount(self.class_of, weights=self.qty, minlength=len(self.classes))
        gc, tc = np.argwhere(self.cap[class_tier] > 0), np.argwhere(self.cap > 0)  # (class, center) pairs
        pair_of = np.full((len(self.classes), m), -1)
        pair_of[gc[:, 0], gc[:, 1]] = np.arange(len(gc))
        room = np.minimum(self.cap[class_tier[gc[:, 0]], gc[:, 1]], class_units[gc[:, 0]])
        lower, upper_row = [self.qty], [self.qty]

        def rows(count: int, low: float | Array, high: float | Array) -> Array:
            first = sum(len(b) for b in lower)
            lower.append(np.broadcast_to(np.asarray(low, dtype=float), (count,)).copy())
            upper_row.append(np.broadcast_to(np.asarray(high, dtype=float), (count,)).copy())
            return np.arange(first, first + count)

        pair_row = rows(len(gc), 0, 0)
        cap_row = np.full(self.cap.shape, -1)
        cap_row[tc[:, 0], tc[:, 1]] = rows(len(tc), -inf, 0)
        y_link, z_link = rows(len(gc), -inf, 0), rows(len(gc) * kinds, -inf, 0).reshape(-1, kinds)
        class_kind, center_row = rows(len(self.classes) * kinds, -inf, 0).reshape(-1, kinds), rows(m, 0, inf)
        tier_units = np.bincount(self.tier_of, weights=self.qty, minlength=len(self.tiers))
        tier_room = np.minimum(self.cap, tier_units[:, None])
        one_kind, at_least, at_most = rows(1, 1, 1)[0], rows(1, 0, inf)[0], rows(1, -inf, 0)[0]
        flows = []
        if landed is not None:
            at = [landed.center_index[c.id] for c in centers]
            flows = [(p, c, k) for p, lc, k in landed.flow_columns(at) for c in (at.index(lc),)]
            balance = np.full(self.cap.shape, -1)
            balance[tc[:, 0], tc[:, 1]] = rows(len(tc), 0, 0)
            pk = sorted({(p, k) for p, _, k in flows})
            demand_row = dict(zip(pk, rows(len(pk), [landed.demand[key] for key in pk],
                                           [landed.demand[key] for key in pk])))
            if landed.target is not None:
                speed_row = rows(1, landed.target.share * float(landed.units.sum()) * (1 - 1e-9), inf)[0]
            flow_link = rows(len(flows), -inf, 0)  # F[p,c,k] <= demand[p,k] * y[c]: the strong facility link
            links_of = defaultdict(list)
            for n, (p, c, k) in enumerate(flows):
                links_of[c].append((flow_link[n], landed.demand[p, k]))

        ii, cc = np.nonzero(self.cap[self.tier_of] > 0)  # x columns, line-major
        self.x_item, self.x_center, self.pair_of = ii, cc, pair_of
        cost = [self.problem.per_kg_km * self.problem.weight[ii] * self.km[cc]]
        upper = [np.minimum(self.qty[ii], self.cap[self.tier_of[ii], cc])]
        if landed is None:
            index = [np.column_stack([ii, pair_row[pair_of[self.class_of[ii], cc]]]).ravel()]
            value, counts = [np.ones(2 * len(ii))], [np.full(len(ii), 2)]
        else:
            cost[0] = cost[0] + landed.holding[np.array(at)[cc]]
            index = [np.column_stack([ii, pair_row[pair_of[self.class_of[ii], cc]],
                                      balance[self.tier_of[ii], cc]]).ravel()]
            value, counts = [np.tile([1.0, 1.0, 1.0], len(ii))], [np.full(len(ii), 3)]

        def column(at_rows: list[int], values: list[float], col_cost: float, col_upper: float) -> None:
            index.append(np.array(at_rows))
            value.append(np.array(values, dtype=float))
            cost.append([col_cost])
            upper.append([col_upper])
            counts.append([len(at_rows)])

        for p, (g, c) in enumerate(gc):
            for k, kind in enumerate(KINDS):
                fee = float(fees.unit_fee(self.classes[g], kind, centers[c].region)) * 100
                column([pair_row[p], cap_row[class_tier[g], c], y_link[p], z_link[p, k], class_kind[g, k],
                        center_row[c]], [-1, 1, 1, 1, 1, 1], fee, room[p])
        for n, (p, c, k) in enumerate(flows):
            lc = at[c]
            target = [speed_row] if landed.target is not None else []
            column([balance[p, c], demand_row[p, k], flow_link[n], *target],
                   [-1, 1, 1, *([landed.fast[p, lc, k]] if target else [])], landed.cost[p, lc, k], inf)
        base = float(self.costs.transport.base_per_shipment) * 100
        for c in range(m):
            pairs, tiers = np.nonzero(gc[:, 1] == c)[0], np.nonzero(self.cap[:, c] > 0)[0]
            linked = links_of[c] if flows else []
            column([*cap_row[tiers, c], *y_link[pairs], center_row[c], at_least, at_most, *(r for r, _ in linked)],
                   [*-tier_room[tiers, c], *-room[pairs], -1, 1, 1, *(-d for _, d in linked)], base, 1)
        lo = (1, fees.partial_min_centers, fees.optimized_min_centers)
        hi = (fees.partial_min_centers - 1, fees.optimized_min_centers - 1, m)
        for k in range(kinds):
            column([*z_link[:, k], *class_kind[:, k], one_kind, at_least, at_most],
                   [*-room, *-class_units, 1, -lo[k], -hi[k]], 0.0, 1)

        self.flows = flows
        self.n_cols = len(ii) + len(gc) * kinds + len(flows) + m + kinds
        self.binaries = np.arange(self.n_cols - m - kinds, self.n_cols, dtype=np.int32)
        n_rows = sum(len(b) for b in lower)
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = self.n_cols, n_rows
        lp.col_cost_, lp.col_lower_ = np.concatenate(cost).astype(float), np.zeros(self.n_cols)
        lp.col_upper_ = np.concatenate(upper).astype(float)
        lp.row_lower_, lp.row_upper_ = np.concatenate(lower).astype(float), np.concatenate(upper_row).astype(float)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = self.n_cols, n_rows
        lp.a_matrix_.start_ = np.concatenate([[0], np.cumsum(np.concatenate(counts))]).astype(np.int32)
        lp.a_matrix_.index_ = np.concatenate(index).astype(np.int32)
        lp.a_matrix_.value_ = np.concatenate(value).astype(float)
        return lp, (self._start(start) if start is not None else None)

    def _start(self, start: Allocation) -> Array | None:  # column values
        np, m, kinds, p = self.np, len(self.centers), len(KINDS), self.problem
        column_of = np.full((len(self.qty), m), -1)
        column_of[self.x_item, self.x_center] = np.arange(len(self.x_item))
        center_index = {c.id: k for k, c in enumerate(self.centers)}
        values = np.zeros(self.n_cols)
        used = sorted({center_index[cid] for cid, units in start.items() if any(units.values())})
        kind = KINDS.index(self.costs.fees.split_kind(len(used)))
        first_y = self.n_cols - m - kinds
        placed = np.array([(p.line_of[sku], center_index[cid], n) for cid, units in start.items()
                           for sku, n in units.items()], dtype=np.int64).reshape(-1, 3)
        g, c, n = placed[:, 0], placed[:, 1], placed[:, 2].astype(float)
        np.add.at(values, column_of[g, c], n)
        np.add.at(values, len(self.x_item) + self.pair_of[self.class_of[g], c] * kinds + kind, n)
        if self.flows:
            landed = p.landed
            supply = np.zeros((len(self.tiers), len(landed.centers)))
            np.add.at(supply, (self.tier_of[g], np.array([landed.center_index[x.id] for x in self.centers])[c]), n)
            shipped = landed.flows(supply, with_target=landed.target is not None)
            if shipped is None:
                return None  # the start misses the speed target: no incumbent
            at = [landed.center_index[c.id] for c in self.centers]
            first_f = len(self.x_item) + (len(self.pair_of[self.pair_of >= 0])) * kinds
            for n, (t, c, k) in enumerate(self.flows):
                values[first_f + n] = shipped[t, at[c], k]
        values[first_y + np.array(used, dtype=int)] = 1
        values[first_y + m + kind] = 1
        return values

    def _integral(self, x: Array) -> Array:
        np = self.np
        units = np.floor(x + 1e-6).astype(np.int64)
        placed = np.bincount(self.x_item, weights=units, minlength=len(self.qty)).astype(np.int64)
        if (placed == self.qty).all():
            return units
        room = self.cap.copy()
        np.subtract.at(room, (self.tier_of[self.x_item], self.x_center), units)
        for i in np.nonzero(placed != self.qty)[0]:
            cols, t = np.nonzero(self.x_item == i)[0], self.tier_of[i]
            frac = x[cols] - units[cols]
            short = int(self.qty[i] - placed[i])
            order = np.lexsort((self.km[self.x_center[cols]], -frac if short > 0 else frac))
            for col in cols[order]:
                c = self.x_center[col]
                step = min(short, room[t, c]) if short > 0 else -min(-short, units[col])
                units[col] += step
                room[t, c] -= step
                short -= step
        return units

    def _allocation(self, units: Array) -> dict[str, dict[str, int]]:
        per_line: dict[int, list[tuple[float, str, int]]] = defaultdict(list)
        for col in self.np.nonzero(units)[0]:
            c = self.x_center[col]
            per_line[int(self.x_item[col])].append((self.km[c], self.centers[c].id, int(units[col])))
        return self.problem.to_skus(per_line)


def _highs(lp: Any, time_limit_s: float, gap: float) -> Highs:
    import highspy

    h = highspy.Highs()
    for option, value in (("output_flag", False), ("mip_rel_gap", float(gap)), ("time_limit", float(time_limit_s)),
                          ("presolve", "off")):  # presolve removes nothing here (measured) and costs ~0.4 s
        h.setOptionValue(option, value)
    h.passModel(lp)
    return h
