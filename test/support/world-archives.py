# Writes archives as the world's tools write them, for the card tests: python3 world-archives.py OUTDIR [--quick]
# (--quick leaves out crowded.tar.gz, 70,000 members, ~10 s to write)
# Every tar here is made by Debian's GNU tar or by Python's tarfile (pax, gnu, ustar formats); every zip by Info-ZIP
# zip or Python's zipfile. Header-only archives declare sizes they do not hold (cheap 5 GiB / 9 GiB members).
import io, os, shutil, subprocess, sys, tarfile, zipfile, zlib, struct, gzip

out = sys.argv[1]
EPOCH = 1709288430
os.makedirs(out, exist_ok=True)
CONFIG = b'kernel=u-boot-rpi-3-b.img\n'
UNICODE = {
    'überlays/café.dtbo': b'cafe\n',
    'ドキュメント/説明.txt': 'Unicode names on a FAT card\n'.encode(),
    'Ελληνικά.txt': b'greek\n',
    'deep/' + 'a-rather-long-folder-name-for-ustar-prefix-fields/' * 3 + 'long-file-name-that-needs-more-than-one-hundred-bytes-in-total.bin': b'long\n' * 100,
}

def info(name, size=0, type=tarfile.REGTYPE, mtime=EPOCH):
    i = tarfile.TarInfo(name); i.size = size; i.type = type; i.mtime = mtime; i.mode = 0o644
    return i

def pytar(name, fmt, members, mode='w', pax_headers=None):
    kw = {'format': fmt}
    if pax_headers: kw['pax_headers'] = pax_headers
    with tarfile.open(os.path.join(out, name), mode, **kw) as t:
        t.addfile(info('config.txt', len(CONFIG)), io.BytesIO(CONFIG))
        for i, data in members:
            t.addfile(i, io.BytesIO(data) if data is not None else None)

def files_of(tree):
    return [(info(p, len(d), mtime=EPOCH + 0.25), d) for p, d in tree.items()]

# Python's tarfile: the Unicode tree in pax (path records), gnu (L long names) and ustar (prefix field, ASCII only)
pytar('unicode-pax.tar', tarfile.PAX_FORMAT, files_of(UNICODE))
pytar('unicode-gnu.tar.gz', tarfile.GNU_FORMAT, files_of(UNICODE), 'w:gz')
ascii_tree = {p: d for p, d in UNICODE.items() if p.isascii()}
pytar('prefix-ustar.tar', tarfile.USTAR_FORMAT, files_of(ascii_tree))
# a pax global header ('g', as git archive writes) before per-file ones, fractional mtime in the 'x' records
frac = info('frac.txt', 2); frac.pax_headers = {'mtime': '1709288430.75'}
pytar('global-pax.tar', tarfile.PAX_FORMAT, [(frac, b'ok')], pax_headers={'comment': 'global header, as git archive writes one'})
# GNU base-256 numbers: a negative mtime (1969) and a header declaring 9 GiB (over octal's 8 GiB)
pytar('base256-mtime.tar', tarfile.GNU_FORMAT, [(info('old.txt', 3, mtime=-86400), b'old')])
with open(os.path.join(out, 'base256-9g.tar'), 'wb') as f:
    f.write(info('huge9.bin', 9 * 2**30).tobuf(tarfile.GNU_FORMAT))
# 5 GiB declared: a real tar, sparse on disk (header, 5 GiB of holes, end blocks), and a header-only .tar.gz
big = info('firmware/huge.bin', 5 * 2**30)
with open(os.path.join(out, 'huge-5g.tar'), 'wb') as f:
    f.write(info('config.txt', len(CONFIG)).tobuf(tarfile.GNU_FORMAT) + CONFIG.ljust(512, b'\0'))
    f.write(big.tobuf(tarfile.GNU_FORMAT))
    f.truncate(f.tell() + 5 * 2**30 + 1024)
with gzip.open(os.path.join(out, 'huge-5g-header-only.tar.gz'), 'wb') as f:
    f.write(big.tobuf(tarfile.PAX_FORMAT))
# missing end blocks: the archive stops right after the last member's data
raw = open(os.path.join(out, 'prefix-ustar.tar'), 'rb').read()
end = len(raw)
while raw[end - 512:end] == b'\0' * 512: end -= 512
open(os.path.join(out, 'no-end-blocks.tar'), 'wb').write(raw[:end])
open(os.path.join(out, 'truncated-header.tar'), 'wb').write(raw[:1024 + 100])
open(os.path.join(out, 'truncated-data.tar'), 'wb').write(raw[:1536 + 100])
# 70,000 files in one folder (and a fine folder beside it)
quick = '--quick' in sys.argv
if not quick:
  with tarfile.open(os.path.join(out, 'crowded.tar.gz'), 'w:gz', format=tarfile.GNU_FORMAT) as t:
    t.addfile(info('config.txt', len(CONFIG)), io.BytesIO(CONFIG))
    t.addfile(info('overlays/a.dtbo', 1), io.BytesIO(b'a'))
    for n in range(70_000):
        t.addfile(info(f'many/f{n:05d}'))
# messages: a name with FAT-forbidden characters, a file and a folder of the same name
pytar('forbidden-chars.tar', tarfile.GNU_FORMAT, [(info('a:b*c?.txt', 1), b'x')])
pytar('file-and-folder.tar', tarfile.GNU_FORMAT, [(info('x', 1), b'x'), (info('x/y', 1), b'y')])

# Debian's GNU tar on real files
src = os.path.join(out, 'src')
shutil.rmtree(src, ignore_errors=True)
for p, d in UNICODE.items():
    os.makedirs(os.path.dirname(os.path.join(src, p)) or src, exist_ok=True)
    open(os.path.join(src, p), 'wb').write(d)
open(os.path.join(src, 'config.txt'), 'wb').write(CONFIG)
for root, dirs, files in os.walk(src):
    for n in dirs + files: os.utime(os.path.join(root, n), (EPOCH, EPOCH))
env = dict(os.environ, LC_ALL='C.UTF-8')
def gnutar(name, *args, cwd=src):
    subprocess.run(['tar', *args, '-cf', os.path.join(out, name), '.'], cwd=cwd, env=env, check=True)
gnutar('gnutar-pax.tar', '--format=pax')
gnutar('gnutar-gnu.tar', '--format=gnu')
gnutar('gnutar-posix.tar.gz', '--format=posix', '-z')
# links: a symlink and a hard link, GNU tar's way
links = os.path.join(out, 'links')
shutil.rmtree(links, ignore_errors=True); os.makedirs(links)
open(os.path.join(links, 'config.txt'), 'wb').write(CONFIG)
os.symlink('config.txt', os.path.join(links, 'latest.txt'))
os.link(os.path.join(links, 'config.txt'), os.path.join(links, 'copy.txt'))
gnutar('gnutar-symlink-hardlink.tar', '--format=pax', cwd=links)
subprocess.run(['tar', '-h', '--hard-dereference', '--format=pax', '-cf', os.path.join(out, 'gnutar-dereferenced.tar'), '.'], cwd=links, env=env, check=True)
# GNU sparse members: a 5 GiB file of holes, pax (GNU.sparse.* 1.0, GNUSparseFile.N/big.bin) and gnu ('S') formats
sp = os.path.join(out, 'sparse-src')
shutil.rmtree(sp, ignore_errors=True); os.makedirs(sp)
open(os.path.join(sp, 'config.txt'), 'wb').write(CONFIG)
with open(os.path.join(sp, 'big.bin'), 'wb') as f:
    f.write(b'x'); f.truncate(5 * 2**30)
gnutar('sparse-pax.tar', '--format=pax', '--sparse', cwd=sp)
gnutar('sparse-pax-0.1.tar', '--format=pax', '--sparse', '--sparse-version=0.1', cwd=sp)
gnutar('sparse-gnu.tar', '--format=gnu', '--sparse', cwd=sp)
os.remove(os.path.join(sp, 'big.bin'))

# zips
def pyzip(name, entries):
    with zipfile.ZipFile(os.path.join(out, name), 'w') as z:
        z.writestr('config.txt', CONFIG)
        for n, d in entries:
            z.writestr(zipfile.ZipInfo(n, (2024, 3, 1, 10, 20, 30)) if isinstance(n, str) else n, d)
pyzip('zip-dotdot.zip', [('../escape.txt', b'x')])
pyzip('zip-absolute.zip', [('/etc/evil.txt', b'x')])
pyzip('zip-backslash.zip', [('overlays\\a.dtbo', b'a'), ('overlays\\b.dtbo', b'b')])
pyzip('zip-backslash-dotdot.zip', [('..\\..\\evil.txt', b'x')])
pyzip('zip-unicode-flag.zip', [('überlays/café.dtbo', b'cafe\n'), ('overlays/', b'')])  # zipfile sets bit 11
# CP437 names (no UTF-8 flag): one plain (0x82 = é), one lossy with the Info-ZIP Unicode Path extra field (0x7075)
lossy = zipfile.ZipInfo('______.txt', (2024, 3, 1, 10, 20, 30))
uname = 'ドキュメント.txt'.encode()
lossy.extra = struct.pack('<HHBI', 0x7075, 5 + len(uname), 1, zlib.crc32(b'______.txt')) + uname
pyzip('zip-cp437.zip', [('cafQ.dtbo', b'cafe\n'), (lossy, b'unicode path\n')])
data = open(os.path.join(out, 'zip-cp437.zip'), 'rb').read().replace(b'cafQ.dtbo', b'caf\x82.dtbo')
open(os.path.join(out, 'zip-cp437.zip'), 'wb').write(data)
with zipfile.ZipFile(os.path.join(out, 'zip64.zip'), 'w') as z:
    z.writestr('config.txt', CONFIG)
    with z.open('overlays/big.dtbo', 'w', force_zip64=True) as f: f.write(b'z' * 100_000)
subprocess.run(['zip', '-q', '-r', '-fz', os.path.join(out, 'infozip64.zip'), '.'], cwd=src, env=env, check=True)
