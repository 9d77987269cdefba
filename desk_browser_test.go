package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"delegate/store"
)

// awaited is chromedp.Evaluate of a promise, waited for.
func awaited(expr string, out any) chromedp.Action {
	return chromedp.Evaluate(expr, out, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) })
}

// offline switches the page's network off or back on, as DevTools does.
func offline(off bool) chromedp.Action {
	return network.EmulateNetworkConditions(off, 0, -1, -1)
}

// openDesk signs in (or sets up the first admin) and names the desk,
// printing badges on cards at the scan when print is set.
func openDesk(base, first, name string, print bool) chromedp.Tasks {
	var sign chromedp.Action = firstAdmin
	if first == "" {
		sign = chromedp.Tasks{
			chromedp.Navigate(base + "/admin/login"),
			chromedp.SendKeys(`#email`, "admin@uil.example", chromedp.ByQuery),
			chromedp.SendKeys(`#password`, "correct horse battery staple", chromedp.ByQuery),
			chromedp.Click(`button[type=submit]`, chromedp.ByQuery),
			chromedp.WaitVisible(`.cards`, chromedp.ByQuery),
		}
	} else {
		sign = chromedp.Tasks{chromedp.Navigate(first), firstAdmin}
	}
	var ready bool
	tick := chromedp.Tasks{}
	if print { // on cards
		tick = append(tick, chromedp.Click(`input[name=print]`, chromedp.ByQuery), chromedp.SetValue(`#desk-layout`, "cr80", chromedp.ByQuery))
	}
	return chromedp.Tasks{sign,
		chromedp.Navigate(base + "/admin/checkin"),
		chromedp.SendKeys(`#desk-name`, name, chromedp.ByQuery),
		tick,
		chromedp.Click(`form[action="/admin/checkin/desk"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`#desk[data-synced]`, chromedp.ByQuery),
		awaited(`navigator.serviceWorker.ready.then(() => true)`, &ready),
	}
}

// serveStore starts the server on the database at dbPath, which the test
// filled and closed, and opens it again beside the server for the test to
// read what the browsers did; both end with the test.
func serveStore(t *testing.T, dbPath, secret string) (string, *runningServer, *store.DB) {
	t.Helper()
	base, srv := startServerWithOutput(t, map[string]string{"DELEGATE_DB": dbPath, "DELEGATE_SECRET": secret})
	t.Cleanup(func() { srv.stop() })
	db, err := openCampaignStore(dbPath, secret, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return base, srv, db
}

// scanCode types a badge's code as a USB scanner does, and waits for the
// answer on the page.
func scanCode(code string) chromedp.Tasks {
	return chromedp.Tasks{
		chromedp.SendKeys(`#code`, code+"\n", chromedp.ByQuery),
		chromedp.WaitVisible(`#outcome .outcome`, chromedp.ByQuery),
	}
}

// waitText waits until the element's text contains want.
func waitText(sel, want string) chromedp.Action {
	return chromedp.Poll(fmt.Sprintf(`(document.querySelector(%q) || {}).textContent?.includes(%q)`, sel, want), nil,
		chromedp.WithPollingTimeout(20*time.Second))
}

// synced waits until the desk is online with nothing waiting to send.
var synced = chromedp.Poll(`(t => t.includes("Online") && !t.includes("waiting"))(document.querySelector("#net").textContent)`, nil,
	chromedp.WithPollingTimeout(20*time.Second))

// TestDeskOfflineInABrowser loads the desk page, lets it keep the roster,
// switches the network off, scans three badges and finds a fourth
// delegate by name, reloads the page (from the service worker), comes
// back online and finds the four check-ins on the server once each, at
// the times they were scanned. The same badge scanned offline at two
// desks ends as one check-in and one "already".
func TestDeskOfflineInABrowser(t *testing.T) {
	t.Parallel()
	hallA, hallB := newBrowser(t, "en"), newBrowser(t, "en")
	dbPath := filepath.Join(t.TempDir(), "desk.db")
	secret := strings.Repeat("ab", 32)
	db, err := openCampaignStore(dbPath, secret, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var regs []store.Registration
	for i, name := range []string{"Amal", "Bruno", "Chen", "Dagný", "Emeka", "Farah"} {
		r, err := db.CreateRegistration(ctx, store.System, store.Details{GivenNames: name, FamilyName: fmt.Sprint("Okafor", i),
			Email: fmt.Sprintf("d%d@example.ng", i), Organisation: "Lagos State", JobTitle: "Adviser", Country: "NG",
			Category: "speaker", Language: "en", ConsentPrivacy: true})
		if err != nil {
			t.Fatal(err)
		}
		regs = append(regs, r)
	}
	db.Close()
	base, srv, db := serveStore(t, dbPath, secret)
	code := func(i int) string { return db.CheckinCode(regs[i]) }

	if err := chromedp.Run(hallA, openDesk(base, base+srv.setupPath(t), "Hall A", false)); err != nil {
		t.Fatalf("desk A online: %v", err)
	}
	// desk B prints at the scan, on cards: the first check-in of a badge
	// never printed opens it in that layout, and counts it printed
	if err := chromedp.Run(hallB, openDesk(base, "", "Hall B", true), scanCode(code(5)),
		waitText("#outcome", "Checked in. Welcome!")); err != nil {
		t.Fatalf("desk B online: %v", err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if r, _ := db.FindRegistration(ctx, regs[5].Reference); r.BadgePrintedCount == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the badge printed at the scan was not counted")
		}
	}
	// the badge opens in a tab of its own, which may still be loading
	opened, seen := false, 0
	for deadline := time.Now().Add(10 * time.Second); !opened && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		targets, err := chromedp.Targets(hallB)
		if err != nil {
			t.Fatal(err)
		}
		seen = len(targets)
		for _, tg := range targets {
			if strings.HasSuffix(tg.URL, "/admin/registrations/"+regs[5].Reference+"/badge.pdf?layout=cr80") {
				opened = true
				pdfTab, cancel := chromedp.NewContext(hallB, chromedp.WithTargetID(tg.TargetID))
				chromedp.Run(pdfTab, page.Close()) // printed: the desk goes on
				cancel()
			}
		}
	}
	if !opened {
		t.Errorf("the badge did not open to print: %d targets", seen)
	}
	if err := chromedp.Run(hallB, page.BringToFront()); err != nil {
		t.Fatal(err)
	}
	before := time.Now()
	var net, found string
	err = chromedp.Run(hallA, offline(true),
		waitText("#net", "Offline"),
		scanCode(code(0)), waitText("#outcome", "Checked in. Welcome!"),
		scanCode(code(1)), scanCode(code(2)),
		scanCode(code(0)), waitText("#outcome", "Already checked in today"),
		chromedp.SetValue(`#q`, "dagny", chromedp.ByQuery),
		chromedp.Click(`#search-form button`, chromedp.ByQuery),
		waitText("#found", "Found in the roster kept on this desk"),
		chromedp.Text(`#found`, &found, chromedp.ByQuery),
		chromedp.Click(`#found li button`, chromedp.ByQuery),
		scanCode(code(4)),
		waitText("#net", "Offline — 6 waiting to sync"),
		chromedp.Reload(),
		chromedp.WaitVisible(`#desk[data-ready]`, chromedp.ByQuery),
		waitText("#net", "Offline — 6 waiting to sync"),
	)
	if err != nil {
		t.Fatalf("desk A offline: %v", err)
	}
	if !strings.Contains(found, "Dagný Okafor3") {
		t.Errorf("offline search found %q", found)
	}
	err = chromedp.Run(hallB, offline(true), waitText("#net", "Offline"), scanCode(code(4)),
		waitText("#outcome", "Checked in. Welcome!"), offline(false), synced,
		chromedp.Text("#net", &net, chromedp.ByQuery))
	if err != nil {
		t.Fatalf("desk B: %v", err)
	}
	if net != "Online" {
		t.Errorf("desk B after the network came back: %q", net)
	}
	after := time.Now()
	if err := chromedp.Run(hallA, offline(false), synced,
		chromedp.Reload(), chromedp.WaitVisible(`#desk[data-ready]`, chromedp.ByQuery),
		waitText("#recent", "Already checked in today"), waitText("#recent", "(offline)")); err != nil {
		t.Fatalf("desk A back online: %v", err)
	}

	// signing out leaves nothing of the roster on the desk's device
	var kept []map[string]any
	if err := chromedp.Run(hallA, chromedp.Click(`form[action="/admin/logout"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`#password`, chromedp.ByQuery),
		awaited(`indexedDB.databases()`, &kept)); err != nil {
		t.Fatal(err)
	}
	for _, d := range kept {
		if d["name"] == "delegate-desk" {
			t.Error("the desk's roster outlived signing out")
		}
	}
	for i := range 4 {
		r, err := db.FindRegistration(ctx, regs[i].Reference)
		if err != nil {
			t.Fatal(err)
		}
		if r.CheckedInAt == nil || r.CheckedInAt.Before(before.Add(-time.Second)) || r.CheckedInAt.After(after) {
			t.Errorf("%s checked in at %v, want the scan's time between %v and %v", r.GivenNames, r.CheckedInAt, before, after)
		}
	}
	scans, err := db.RecentScans(ctx, "Hall A", 20)
	if err != nil {
		t.Fatal(err)
	}
	outcomes := map[string][]string{}
	for _, sc := range scans {
		if sc.Registration != nil {
			outcomes[sc.Registration.GivenNames] = append(outcomes[sc.Registration.GivenNames], sc.Outcome)
		}
		if !sc.Offline {
			t.Errorf("a scan made offline is recorded as online: %+v", sc)
		}
	}
	b, _ := db.RecentScans(ctx, "Hall B", 20)
	if len(b) != 2 || b[0].Registration == nil || b[0].Registration.GivenNames != "Emeka" || !b[0].Offline || b[1].Offline {
		t.Fatalf("desk B recorded %+v, want Farah online then Emeka offline", b)
	}
	emeka := append(outcomes["Emeka"], b[0].Outcome)
	if strings.Join(outcomes["Amal"], ",") != "already,ok" || len(outcomes["Bruno"]) != 1 || len(outcomes["Chen"]) != 1 ||
		len(outcomes["Dagný"]) != 1 || !(strings.Join(emeka, ",") == "ok,already" || strings.Join(emeka, ",") == "already,ok") {
		t.Errorf("outcomes: %v, Emeka at both desks %v", outcomes, emeka)
	}
	st, _ := db.Stats(ctx)
	if st.CheckedIn != 6 {
		t.Errorf("%d checked in, want 6", st.CheckedIn)
	}
}
