package handlers

import (
	"cmp"
	"math"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"delegate/i18n"
	"delegate/store"
)

// bar is one bar of a chart: its label, value and length in percent of the
// longest.
type bar struct {
	Label  string
	Value  int
	Text   string // the value as written beside the bar
	Pct    float64
	Colour string
	Y      int // top of the bar's row, for horizontal charts
	X      float64
}

// chart is a server-rendered SVG chart with its numbers also in a table
// for screen readers.
type chart struct {
	ID     string
	Title  string
	Bars   []bar
	Height int // of the SVG, in px
	Column bool
	First  string // first and last labels under a column chart
	Last   string
	Width  float64 // of one column, in percent
	// a column chart's scale (its top and middle) and what it adds up to:
	// the busiest day and the total
	Top, Middle int
	Summary     string
}

const rowHeight = 36 // a label line and a bar under it

func barChart(id, title string, bars []bar) chart {
	top := 1
	for _, b := range bars {
		top = max(top, b.Value)
	}
	for i := range bars {
		bars[i].Pct = 100 * float64(bars[i].Value) / float64(top)
		bars[i].Y = i * rowHeight
		if bars[i].Text == "" {
			bars[i].Text = strconv.Itoa(bars[i].Value)
		}
		if bars[i].Colour == "" {
			bars[i].Colour = "#0b5f6b"
		}
	}
	return chart{ID: id, Title: title, Bars: bars, Height: max(len(bars)*rowHeight, rowHeight)}
}

// columnChart charts counts by day from the first day to the last.
func columnChart(id, title string, byDay map[string]int, l *i18n.Localizer) chart {
	c := chart{ID: id, Title: title, Column: true, Height: 120}
	if len(byDay) == 0 {
		return c
	}
	days := make([]string, 0, len(byDay))
	for d := range byDay {
		days = append(days, d)
	}
	slices.Sort(days)
	first, _ := time.Parse(store.DateLayout, days[0])
	last, _ := time.Parse(store.DateLayout, days[len(days)-1])
	if span := last.Sub(first).Hours() / 24; span > 90 {
		first = last.AddDate(0, 0, -90) // the last three months
	}
	var bars []bar
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		key := d.Format(store.DateLayout)
		bars = append(bars, bar{Label: l.Date(d), Value: byDay[key]})
	}
	c = barChart(id, title, bars)
	c.Column, c.Height = true, 120
	// two decimals of the viewBox's 100 are finer than a pixel, and keep
	// a long run of days small
	c.Width = math.Round(10000/float64(len(bars))) / 100
	for i := range c.Bars {
		c.Bars[i].X = math.Round(float64(i)*10000/float64(len(bars))) / 100
	}
	c.First, c.Last = bars[0].Label, bars[len(bars)-1].Label
	total, peak := 0, bars[0]
	for _, b := range bars {
		total += b.Value
		if b.Value > peak.Value {
			peak = b
		}
	}
	c.Top = max(peak.Value, 1)
	c.Middle = c.Top / 2
	c.Summary = l.T("admin.dash.per_day_summary", total, peak.Value, peak.Label)
	return c
}

type dashboardView struct {
	S           store.Stats
	Delegations []store.DelegationStats // the ten with most members nominated
	TakenPct    float64
	Received    []string
	Charts      []chart
	PerDay      chart
	CheckinsDay chart
	// Arriving is set while delegates arrive today: the page then refreshes.
	Arriving bool
	// Offers are the places offered to the waiting list, soonest deadline
	// first, with each deadline in venue time.
	Offers []offerLine
}

// offerLine is an open offer of a place on the dashboard.
type offerLine struct {
	store.Registration
	Until string
}

func (h *Handler) showDashboard(c *gin.Context) {
	l := h.localizer(c)
	s := h.db.Settings()
	st, err := h.db.Stats(c.Request.Context())
	if err != nil {
		h.fail(c, err)
		return
	}
	v := dashboardView{S: st, Arriving: st.CheckinsByDay[h.db.Now().In(s.Location()).Format(store.DateLayout)] > 0}
	offers, err := h.db.OpenOffers(c.Request.Context())
	if err != nil {
		h.fail(c, err)
		return
	}
	for _, r := range offers {
		v.Offers = append(v.Offers, offerLine{r, l.DateTime(r.OfferUntil.In(s.Location()))})
	}
	// the ten delegations with the most members nominated; the rest on the delegations page
	v.Delegations = slices.Clone(st.Delegations)
	slices.SortStableFunc(v.Delegations, func(a, b store.DelegationStats) int { return b.Nominated - a.Nominated })
	v.Delegations = v.Delegations[:min(len(v.Delegations), 10)]
	if st.Capacity > 0 {
		v.TakenPct = min(100, 100*float64(st.PlacesTaken)/float64(st.Capacity))
	}
	for cur, amount := range st.Received {
		v.Received = append(v.Received, l.Money(amount, cur))
	}
	slices.Sort(v.Received)

	var status []bar
	for _, x := range store.Statuses {
		status = append(status, bar{Label: l.T("status." + x), Value: st.ByStatus[x], Colour: statusColour[x]})
	}
	var cats []bar
	for _, cat := range s.Categories {
		cats = append(cats, bar{Label: cat.Name.In(l.Lang), Value: st.ByCategory[cat.Code], Colour: cat.Colour})
	}
	var countries, regions []bar
	byRegion := map[string]*bar{}
	for code, n := range st.ByCountry {
		countries = append(countries, bar{Label: l.CountryName(code), Value: n})
		rc, name := l.Continent(code)
		if rc == "" {
			rc, name = "-", l.T("admin.dash.other_region")
		}
		if byRegion[rc] == nil {
			byRegion[rc] = &bar{Label: name}
		}
		byRegion[rc].Value += n
	}
	byValue := func(a, b bar) int { return cmp.Or(cmp.Compare(b.Value, a.Value), cmp.Compare(a.Label, b.Label)) }
	slices.SortFunc(countries, byValue)
	countries = countries[:min(len(countries), 10)]
	for _, b := range byRegion {
		regions = append(regions, *b)
	}
	slices.SortFunc(regions, byValue)
	var pay []bar
	for _, x := range store.PaymentStatuses {
		pay = append(pay, bar{Label: l.T("payment." + x), Value: st.ByPayment[x]})
	}
	v.Charts = []chart{
		barChart("status", l.T("admin.dash.by_status"), status),
		barChart("category", l.T("admin.dash.by_category"), cats),
		barChart("countries", l.T("admin.dash.top_countries"), countries),
		barChart("regions", l.T("admin.dash.by_region"), regions),
		barChart("payment", l.T("admin.dash.by_payment"), pay),
	}
	v.PerDay = columnChart("per-day", l.T("admin.dash.per_day"), st.RegistrationsByDay, l)
	v.CheckinsDay = columnChart("checkins", l.T("admin.dash.checkins_per_day"), st.CheckinsByDay, l)
	h.render(c, http.StatusOK, "dashboard", l.T("admin.dash.title"), v)
}

var statusColour = map[string]string{
	store.StatusPending: "#a86400", store.StatusApproved: "#1e7b46", store.StatusWaitlisted: "#6b5fa8",
	store.StatusRejected: "#b3261e", store.StatusCancelled: "#777777",
}
