package main

import (
	"context"
	"database/sql"
	"encoding/hex"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"delegate/clock"
	"delegate/demo"
	"delegate/mailer"
	"delegate/pdf"
	"delegate/store"
)

// openCampaignStore opens the database at path as the campaign test's
// processes do, queuing ten messages a transaction.
func openCampaignStore(path, secret string, clk *clock.Manual) (*store.DB, error) {
	key, err := hex.DecodeString(secret)
	if err != nil {
		return nil, err
	}
	composer, err := mailer.NewComposer("https://iclc.example.org")
	if err != nil {
		return nil, err
	}
	opts := store.Options{Secret: key, Composer: composer, Printable: pdf.Printable, CampaignChunk: 10}
	if clk != nil {
		opts.Now = clk.Now
	}
	return store.Open(context.Background(), path, opts)
}

// childCampaign is the child process: a message to every delegate, the
// organisers' own or the one new dates send.
func childCampaign(path, secret, kind string) error {
	db, err := openCampaignStore(path, secret, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	if kind == store.MailDatesChanged {
		s := db.Settings()
		s.StartDate, s.EndDate = "2015-10-05", "2015-10-07"
		_, err := db.UpdateSettings(context.Background(), store.System, s)
		return err
	}
	texts := map[string]store.MessageText{}
	for _, lang := range store.Languages {
		texts[lang] = store.MessageText{Subject: "Programme " + lang, Body: "The programme is online."}
	}
	_, _, err = db.SendCampaign(context.Background(), store.System, store.Filter{}, texts)
	return err
}

// TestCampaignResumesAfterAKill: a message to every delegate is queued in
// chunks; the process is killed (SIGKILL) halfway, and on the next start
// the rest is queued: every delegate gets the message exactly once, with
// its body composed when it is sent. New dates go the same way, and each
// letter is reissued once with them.
func TestCampaignResumesAfterAKill(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{store.MailMessage, store.MailDatesChanged} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			campaignKilled(t, kind)
		})
	}
}

func campaignKilled(t *testing.T, kind string) {
	path := filepath.Join(t.TempDir(), "campaign.db")
	secret := strings.Repeat("ef", 32)
	clk := clock.At(time.Date(2015, 6, 15, 12, 0, 0, 0, time.UTC))
	db, err := openCampaignStore(path, secret, clk)
	if err != nil {
		t.Fatal(err)
	}
	s := db.Settings()
	s.Capacity = 10000
	s.Signatory.Name = "Director of the Institute" // letters are issued
	if _, err := db.UpdateSettings(context.Background(), store.System, s); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Fill(context.Background(), db, clk, 1500, rand.New(rand.NewPCG(1, 2))); err != nil {
		t.Fatal(err)
	}
	live, _ := db.CountRecipients(context.Background(), store.Filter{})
	db.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "DELEGATE_TEST_CHILD=campaign:"+kind, "DELEGATE_DB="+path, "DELEGATE_SECRET="+secret)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	queued := func() int {
		var n int
		raw.QueryRow("SELECT count(*) FROM outbox WHERE campaign_id IS NOT NULL").Scan(&n)
		return n
	}
	deadline := time.Now().Add(30 * time.Second)
	for queued() < 200 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	cmd.Process.Kill()
	cmd.Wait()
	atKill := queued()
	if atKill == 0 || atKill >= live {
		t.Fatalf("killed with %d of %d queued: not halfway", atKill, live)
	}

	db, err = openCampaignStore(path, secret, clk)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.ResumeCampaigns(context.Background()); err != nil {
		t.Fatal(err)
	}
	var rows, people, twice int
	raw.QueryRow("SELECT count(*), count(DISTINCT registration_id) FROM outbox WHERE campaign_id IS NOT NULL").Scan(&rows, &people)
	raw.QueryRow(`SELECT count(*) FROM registrations r WHERE status IN ('pending','approved','waitlisted') AND
		(SELECT count(*) FROM outbox o WHERE o.registration_id = r.id AND o.campaign_id IS NOT NULL) <> 1`).Scan(&twice)
	if rows != live || people != live || twice != 0 {
		t.Errorf("after the resume: %d messages to %d delegates of %d live (%d with not exactly one); %d were queued at the kill",
			rows, people, live, twice, atKill)
	}
	var id int64
	raw.QueryRow("SELECT max(id) FROM outbox WHERE campaign_id IS NOT NULL AND language = 'en'").Scan(&id)
	m, err := db.FindMessage(context.Background(), id)
	want := map[string]string{store.MailMessage: "The programme is online.", store.MailDatesChanged: "5–7 October 2015"}[kind]
	if err != nil || !strings.Contains(m.Text, want) {
		t.Errorf("a campaign message as sent: %v %q %q", err, m.Subject, m.Text)
	}
	if kind != store.MailDatesChanged {
		return
	}
	// each letter held once with the new dates, and none left with the old
	var letters, current, old int
	raw.QueryRow(`SELECT count(DISTINCT registration_id) FROM letters`).Scan(&letters)
	raw.QueryRow(`SELECT count(*), count(*) FILTER (WHERE start_date <> '2015-10-05') FROM letters
		WHERE superseded_at IS NULL AND refused_at IS NULL`).Scan(&current, &old)
	if letters == 0 || current != letters || old != 0 {
		t.Errorf("after the resume: %d current letters for %d delegates, %d with the old dates", current, letters, old)
	}
}
