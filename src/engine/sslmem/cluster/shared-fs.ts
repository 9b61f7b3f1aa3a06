// Is the run store on a filesystem the compute nodes can see? Every task reads the dataset and writes its
// checkpoints and stage records there. We can only look at this machine: the filesystem type of the mount
// holding the folder (Linux /proc/self/mountinfo). Network and parallel filesystems are fine; tmpfs is this
// machine's memory (fine only when the cluster is this one node); a local disk is shared only if the nodes
// mount it too, which we cannot see from here.
import { readFileSync, realpathSync } from 'node:fs';

const SHARED =
  /^(nfs4?|lustre|gpfs|beegfs|cifs|smb3|ceph|glusterfs|fuse\.(ceph|glusterfs|sshfs|gcsfuse|s3fs|juicefs)|panfs|wekafs|pvfs2|orangefs|9p|virtiofs)$/;
const MEMORY = /^(tmpfs|ramfs)$/;

export interface SharedFsVerdict {
  mount: string;
  fstype: string;
  shared: 'yes' | 'no' | 'unknown';
  message: string;
}

/** Mount point and type of the mount holding `path` (the longest mount point that prefixes it). */
export function mountOf(path: string, mountinfo = readFileSync('/proc/self/mountinfo', 'utf8')): { mount: string; fstype: string } | null {
  let best: { mount: string; fstype: string } | null = null;
  for (const line of mountinfo.split('\n')) {
    const [left, right] = line.split(' - ');
    if (!right) continue;
    const mount = left.split(' ')[4]?.replace(/\\040/g, ' ');
    const fstype = right.split(' ')[0];
    if (!mount || !fstype) continue;
    const inside = path === mount || path.startsWith(mount.endsWith('/') ? mount : `${mount}/`);
    if (inside && (!best || mount.length >= best.mount.length)) best = { mount, fstype };
  }
  return best;
}

export function checkSharedFs(folder: string): SharedFsVerdict {
  let mount: { mount: string; fstype: string } | null = null;
  try {
    mount = mountOf(realpathSync(folder));
  } catch {
    /* not Linux, or no /proc */
  }
  if (!mount)
    return {
      mount: '?',
      fstype: '?',
      shared: 'unknown',
      message: `cannot tell which filesystem holds ${folder}; the compute nodes must see it at the same path`,
    };
  const where = `${folder} is on ${mount.fstype} (mount ${mount.mount})`;
  if (SHARED.test(mount.fstype))
    return { ...mount, shared: 'yes', message: `${where}: a network filesystem, shared with the nodes that mount it` };
  if (MEMORY.test(mount.fstype))
    return {
      ...mount,
      shared: 'no',
      message: `warning: ${where}, this machine's memory: only a job running on this same machine can see it. Put the workspace on the cluster's shared filesystem unless the cluster is this one node`,
    };
  return {
    ...mount,
    shared: 'unknown',
    message: `${where}: a local filesystem unless the compute nodes mount it at the same path; the tasks fail to open the run if they do not`,
  };
}
