"""The shared kernel: organisations, people, roles and policies, audit, clock, deadlines, outbox."""
