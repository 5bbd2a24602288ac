package domain

import (
	"fmt"
	"math/big"
	"math/bits"
)

func cmpU64(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Ratio is an exact fraction Num/Den with Den > 0. Completion figures are
// Ratios so that comparisons with band limits are exact: 17 of 20 indicators
// is exactly 85%, never 85.00000000000001%.
type Ratio struct {
	Num int64
	Den int64
}

// Percent returns r as a percentage rounded down to 2 decimals, for display
// only. Rounding down matches how the Government Office reports rates
// (16,051 of 16,274 is printed 98.62%) and never shows 100.00% for a unit
// that is not complete.
func (r Ratio) Percent() float64 {
	if r.Den == 0 {
		return 0
	}
	q := new(big.Int).Mul(big.NewInt(r.Num), big.NewInt(10000))
	q.Quo(q, big.NewInt(r.Den)) // truncates toward zero; Num >= 0
	return float64(q.Int64()) / 100
}

// PercentString returns Percent formatted with 2 decimals ("98.62").
func (r Ratio) PercentString() string { return fmt.Sprintf("%.2f", r.Percent()) }

// CmpPercent compares r×100 with the percentage limit given in hundredths of
// a percent (8500 = 85%), exactly: it returns -1, 0 or +1.
func (r Ratio) CmpPercent(hundredths int64) int {
	left := new(big.Int).Mul(big.NewInt(r.Num), big.NewInt(10000))
	right := new(big.Int).Mul(big.NewInt(hundredths), big.NewInt(r.Den))
	return left.Cmp(right)
}

// Cmp compares two ratios exactly.
func (r Ratio) Cmp(s Ratio) int {
	if r.Num >= 0 && s.Num >= 0 && r.Den > 0 && s.Den > 0 {
		// 128-bit products: exact, and no allocation on the board's hot path.
		lh, ll := bits.Mul64(uint64(r.Num), uint64(s.Den))
		rh, rl := bits.Mul64(uint64(s.Num), uint64(r.Den))
		switch {
		case lh != rh:
			return cmpU64(lh, rh)
		default:
			return cmpU64(ll, rl)
		}
	}
	left := new(big.Int).Mul(big.NewInt(r.Num), big.NewInt(s.Den))
	right := new(big.Int).Mul(big.NewInt(s.Num), big.NewInt(r.Den))
	return left.Cmp(right)
}

// Float returns r as a float64 fraction (0..1), for charts only.
func (r Ratio) Float() float64 {
	if r.Den == 0 {
		return 0
	}
	return float64(r.Num) / float64(r.Den)
}
