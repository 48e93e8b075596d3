WARNING:|BUG:|Oops|UBSAN:|ODEBUG:|INFO: |DEBUG_LOCKS_WARN_ON|general protection|possible recursive locking|circular locking|Kernel panic|kernel BUG
