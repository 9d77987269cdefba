package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"

	"delegate/demo"
	"delegate/i18n"
	"delegate/store"
)

// cliActor is who changes things from the command line.
var cliActor = store.Actor{Kind: "system", Name: "cli"}

func userCommand(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return errors.New("usage: delegate user add --email E --role R (password on stdin)")
	}
	var cfg config
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.flags(fs, getenv)
	email := fs.String("email", "", "the organiser's email")
	role := fs.String("role", "viewer", "viewer, desk, finance or admin")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read password: %w", err)
	}
	password := strings.TrimRight(line, "\r\n")
	db, err := cfg.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := db.SaveUser(ctx, cliActor, *email, password, *role)
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(stderr, "saved organiser %s with role %s\n", u.Email, u.Role)
	return nil
}

func tokenCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New("usage: delegate token create --name N --role R")
	}
	var cfg config
	fs := flag.NewFlagSet("token create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.flags(fs, getenv)
	name := fs.String("name", "", "what the token is for")
	role := fs.String("role", "viewer", "viewer, desk, finance or admin")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	db, err := cfg.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	secret, t, err := db.CreateToken(ctx, cliActor, *name, *role)
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(stderr, "token %q with role %s; it is shown once, keep it safe\n", t.Name, t.Role)
	fmt.Fprintln(stdout, secret)
	return nil
}

func backupCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg config
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.flags(fs, getenv)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: delegate backup FILE")
	}
	db, err := cfg.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, fs.Arg(0)); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "backed up %s to %s\n", cfg.dbPath, fs.Arg(0))
	return nil
}

func demoCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg config
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.flags(fs, getenv)
	n := fs.Int("registrations", 100, "how many sample registrations to add")
	seed := fs.Uint64("seed", uint64(time.Now().UnixNano()), "random seed, for the same data again")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := cfg.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	sum, err := demo.Fill(ctx, db, *n, rand.New(rand.NewPCG(*seed, 2015)))
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "added %d registrations in %s: %v\n", sum.Added, time.Since(start).Round(time.Millisecond), sum.ByStatus)
	return nil
}

// describe turns a validation error into a sentence for the terminal.
func describe(err error) error {
	var ve *store.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	var parts []string
	for f, m := range ve.Fields {
		parts = append(parts, f+": "+i18n.For("en").T(m.Key, m.Args...))
	}
	return errors.New(strings.Join(parts, "; "))
}
