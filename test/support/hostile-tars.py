# Writes hostile tar archives for the card tests: python3 hostile-tars.py OUTDIR
import io, sys, tarfile, os
out = sys.argv[1]
def tar(name, members, gz=False):
    with tarfile.open(os.path.join(out, name), 'w:gz' if gz else 'w', format=tarfile.GNU_FORMAT) as t:
        t.addfile(file_info('config.txt', b'kernel=u-boot-rpi-3-b.img\n'), io.BytesIO(b'kernel=u-boot-rpi-3-b.img\n'))
        for info, data in members:
            t.addfile(info, io.BytesIO(data) if data is not None else None)
def file_info(name, data, type=tarfile.REGTYPE):
    i = tarfile.TarInfo(name); i.size = len(data) if data else 0; i.type = type; i.mtime = 1709288430; return i
def link(name, target, type):
    i = tarfile.TarInfo(name); i.type = type; i.linkname = target; return i
tar('absolute.tar', [(file_info('/etc/evil.txt', b'x'), b'x')])
tar('dotdot.tar.gz', [(file_info('overlays/../../escape.txt', b'x'), b'x')], gz=True)
tar('symlink.tar', [(link('overlays/latest.dtbo', '/etc/passwd', tarfile.SYMTYPE), None)])
tar('hardlink.tar', [(link('cmdline2.txt', 'config.txt', tarfile.LNKTYPE), None)])
dev = tarfile.TarInfo('dev/sda'); dev.type = tarfile.BLKTYPE; dev.devmajor = 8; dev.devminor = 0
tar('device.tar', [(dev, None)])
tar('badname.tar', [(file_info('overlays/what?.dtbo', b'x'), b'x')])
tar('collision.tar', [(file_info('CONFIG.TXT', b'y'), b'y')])
