# Holds a block device open with O_EXCL (as a writer does) until killed: the "other program" of busy-card tests.
import os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_EXCL)
print("held", flush=True)
while True:
    time.sleep(60)
