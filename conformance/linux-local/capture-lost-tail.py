# Lost tail: the client writes "hello" once (TCP_NODELAY) and nothing after; the
# first two copies of it are dropped by iptables. Print the calls.
import socket, threading, time
PORT=9821; HOST="127.0.0.1"
def log(w,c,r): print(f"{time.monotonic():.6f} {w} {c} = {r}", flush=True)
ready=threading.Event()
def server():
    l=socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); l.bind((HOST,PORT)); l.listen(8); ready.set()
    c,_=l.accept(); d=c.recv(1024); log("server","recv",d); time.sleep(0.2); c.close(); l.close()
t=threading.Thread(target=server); t.start(); ready.wait(); time.sleep(0.05)
c=socket.socket(); c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1); c.connect((HOST,PORT)); log("client","connect",0)
time.sleep(0.05)
c.send(b"hello"); log("client","send",5)
t.join(); c.close(); time.sleep(0.3)
