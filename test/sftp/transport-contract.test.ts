/** The shared FileTransport contract against both transports. */
import { transportContract } from './contract';
import { localHarness, sftpHarness } from './harness';

transportContract('SFTP (in-process ssh2 server)', () => sftpHarness());
transportContract('SFTP without posix-rename (plain rename fallback)', () => sftpHarness({ advertisePosixRename: false }));
transportContract('local directory (file://)', () => localHarness());
