"""
GPU benchmark, Python half (runs on the device machine, which has torch + CUDA + transformers but no Node).

1. Builds a random-weight XLM-R encoder with multilingual-E5-small's shape (12 layers, hidden 384, 12 heads,
   FFN 1536, vocab 250 002, 514 positions) with transformers, and exports it to ONNX (TorchScript exporter,
   opset 17, dynamic batch/sequence axes, output `last_hidden_state`) into a folder that transformers.js
   loads as a local model folder (config.json, tokenizer files copied from --tokenizer, onnx/model.onnx;
   onnx/model_fp16.onnx from the same weights in half precision).
2. Optionally writes onnx/model_fused.onnx: the fp32 graph after onnxruntime's transformer optimizer
   (Attention / SkipLayerNormalization / BiasGelu fusions), to see whether fused ops help the WebGPU EP.
3. Times torch on CUDA (fp32 and fp16, sdpa attention) on exactly the batches the Node half uses
   (bench/gpu/batches: deterministic ids, no padding), with and without host<->device copies.
4. Writes --json with everything, plus a reference pooled vector for the Node half's CPU check.

Usage: python3 bench/gpu/export_and_torch.py --out DIR --tokenizer DIR --json FILE [--no-fp16] [--no-fused] [--iters N]
"""
import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import time

import torch

SHAPES = [(1, 32), (1, 128), (4, 128), (8, 128), (16, 128), (32, 128), (64, 128)]
VOCAB = 250002


def batch_ids(b, s):
    """Same formula as makeBatch() in gpu-bench.ts: <s> … </s>, ids in [5, 249995)."""
    ids = torch.empty((b, s), dtype=torch.int64)
    for i in range(b):
        for j in range(s):
            if j == 0:
                ids[i, j] = 0
            elif j == s - 1:
                ids[i, j] = 2
            else:
                ids[i, j] = 5 + ((i * 7919 + j * 104729) % 249990)
    return ids, torch.ones((b, s), dtype=torch.int64)


def log(msg):
    print(f"[py {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def build_model(attn):
    from transformers import XLMRobertaConfig, XLMRobertaModel

    cfg = XLMRobertaConfig(
        vocab_size=VOCAB,
        hidden_size=384,
        num_hidden_layers=12,
        num_attention_heads=12,
        intermediate_size=1536,
        hidden_act="gelu",
        max_position_embeddings=514,
        type_vocab_size=1,
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
        layer_norm_eps=1e-5,
    )
    cfg._attn_implementation = attn
    torch.manual_seed(0)
    model = XLMRobertaModel(cfg, add_pooling_layer=False)
    model.eval()
    return cfg, model


class Wrapper(torch.nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids, attention_mask):
        return self.m(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state


def export(model, path, device):
    w = Wrapper(model).to(device)
    ids, mask = batch_ids(2, 16)
    kwargs = dict(
        input_names=["input_ids", "attention_mask"],
        output_names=["last_hidden_state"],
        dynamic_axes={
            "input_ids": {0: "batch_size", 1: "sequence_length"},
            "attention_mask": {0: "batch_size", 1: "sequence_length"},
            "last_hidden_state": {0: "batch_size", 1: "sequence_length"},
        },
        opset_version=17,
        do_constant_folding=True,
    )
    with torch.no_grad():
        try:
            torch.onnx.export(w, (ids.to(device), mask.to(device)), path, dynamo=False, **kwargs)
        except TypeError:  # very old torch without the dynamo flag
            torch.onnx.export(w, (ids.to(device), mask.to(device)), path, **kwargs)


def time_torch(model, device, dtype_name, iters, small_iters):
    out = {}
    for b, s in SHAPES:
        ids, mask = batch_ids(b, s)
        n = small_iters if b * s <= 128 else iters
        with torch.inference_mode():
            gi, gm = ids.to(device), mask.to(device)
            for _ in range(3):
                model(input_ids=gi, attention_mask=gm)
            torch.cuda.synchronize()
            resident = []
            for _ in range(n):
                t = time.perf_counter()
                model(input_ids=gi, attention_mask=gm)
                torch.cuda.synchronize()
                resident.append((time.perf_counter() - t) * 1000)
            copies = []
            for _ in range(n):
                t = time.perf_counter()
                r = model(input_ids=ids.to(device), attention_mask=mask.to(device)).last_hidden_state.float().cpu()
                copies.append((time.perf_counter() - t) * 1000)
        key = f"{b}x{s}"
        out[key] = {
            "batch": b,
            "seq": s,
            "iters": n,
            "medianMs": round(statistics.median(resident), 3),
            "minMs": round(min(resident), 3),
            "medianMsWithCopies": round(statistics.median(copies), 3),
            "tokensPerS": round(b * s / (statistics.median(copies) / 1000)),
        }
        log(f"torch {dtype_name} {key}: {out[key]['medianMs']} ms resident, {out[key]['medianMsWithCopies']} ms with copies")
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--tokenizer", required=True)
    ap.add_argument("--json", required=True)
    ap.add_argument("--no-fp16", action="store_true")
    ap.add_argument("--no-fused", action="store_true")
    ap.add_argument("--no-torch-timing", action="store_true")
    ap.add_argument("--iters", type=int, default=10)
    args = ap.parse_args()
    t0 = time.time()
    res = {"python": sys.version.split()[0], "platform": platform.platform(), "torch": torch.__version__}
    try:
        import transformers

        res["transformers"] = transformers.__version__
    except Exception as e:  # noqa: BLE001
        res["transformers"] = f"missing: {e}"
    cuda = torch.cuda.is_available()
    res["cuda"] = cuda
    if cuda:
        res["gpu"] = torch.cuda.get_device_name(0)
        res["torchCudaVersion"] = torch.version.cuda
        res["tf32Matmul"] = torch.backends.cuda.matmul.allow_tf32
    device = "cuda" if cuda else "cpu"

    def save():
        res["elapsedS"] = round(time.time() - t0, 1)
        with open(args.json, "w") as f:
            json.dump(res, f, indent=2)

    os.makedirs(os.path.join(args.out, "onnx"), exist_ok=True)
    cfg, model = build_model("eager")
    res["attnForExport"] = "eager"
    cfg_d = cfg.to_dict()
    cfg_d["architectures"] = ["XLMRobertaModel"]
    cfg_d["model_type"] = "xlm-roberta"
    cfg_d.pop("attn_implementation", None)
    cfg_d.pop("_attn_implementation", None)
    with open(os.path.join(args.out, "config.json"), "w") as f:
        json.dump(cfg_d, f, indent=1)
    for name in ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "clir-model.json"]:
        src = os.path.join(args.tokenizer, name)
        if os.path.exists(src):
            shutil.copy(src, os.path.join(args.out, name))
    res["params"] = sum(p.numel() for p in model.parameters())
    log(f"model built: {res['params']} parameters")

    # Reference output (fp32, eager) for the Node half: mean-pooled 1x32 vector.
    ids, mask = batch_ids(1, 32)
    with torch.no_grad():
        ref = model(input_ids=ids, attention_mask=mask).last_hidden_state[0]
    res["reference1x32"] = {"meanPooledFirst16": [round(float(x), 6) for x in ref.mean(0)[:16]], "firstToken8": [round(float(x), 6) for x in ref[0, :8]]}

    fp32_path = os.path.join(args.out, "onnx", "model.onnx")
    t = time.time()
    export(model, fp32_path, "cpu")
    res["exportFp32S"] = round(time.time() - t, 1)
    res["onnxFp32MiB"] = round(os.path.getsize(fp32_path) / 2**20, 1)
    log(f"exported fp32 in {res['exportFp32S']} s ({res['onnxFp32MiB']} MiB)")
    save()

    if not args.no_fp16:
        try:
            t = time.time()
            dev16 = device
            m16 = build_model("eager")[1]
            m16.load_state_dict(model.state_dict())
            m16 = m16.half().to(dev16)
            export(m16, os.path.join(args.out, "onnx", "model_fp16.onnx"), dev16)
            del m16
            res["exportFp16S"] = round(time.time() - t, 1)
            log(f"exported fp16 in {res['exportFp16S']} s")
        except Exception as e:  # noqa: BLE001
            res["exportFp16Error"] = str(e)[:500]
            log(f"fp16 export failed: {e}")
        save()

    if not args.no_fused:
        try:
            t = time.time()
            from onnxruntime.transformers.optimizer import optimize_model

            opt = optimize_model(fp32_path, model_type="bert", num_heads=12, hidden_size=384, opt_level=0, use_gpu=False)
            res["fusedOps"] = {k: int(v) for k, v in opt.get_fused_operator_statistics().items() if v}
            opt.save_model_to_file(os.path.join(args.out, "onnx", "model_fused.onnx"))
            res["fusedS"] = round(time.time() - t, 1)
            log(f"fused model written in {res['fusedS']} s: {res['fusedOps']}")
        except Exception as e:  # noqa: BLE001
            res["fusedError"] = str(e)[:500]
            log(f"fusion failed: {e}")
        save()

    try:
        import onnxruntime as ort

        res["onnxruntimePython"] = ort.__version__
        s = ort.InferenceSession(fp32_path, providers=["CPUExecutionProvider"])
        o = s.run(None, {"input_ids": ids.numpy(), "attention_mask": mask.numpy()})[0][0]
        res["onnxVsTorchMaxAbsDiff"] = float(abs(torch.from_numpy(o) - ref).max())
        log(f"ORT(python, cpu) vs torch max abs diff {res['onnxVsTorchMaxAbsDiff']:.2e}")
        del s
    except Exception as e:  # noqa: BLE001
        res["onnxCheckError"] = str(e)[:300]
    save()

    if cuda and not args.no_torch_timing:
        sd = model.state_dict()
        for attn in ["sdpa"]:
            m = build_model(attn)[1]
            m.load_state_dict(sd)
            m = m.to("cuda")
            res[f"torchCudaFp32_{attn}"] = time_torch(m, "cuda", f"fp32/{attn}", args.iters, 3 * args.iters)
            save()
            m = m.half()
            res[f"torchCudaFp16_{attn}"] = time_torch(m, "cuda", f"fp16/{attn}", args.iters, 3 * args.iters)
            with torch.no_grad():
                o16 = m(input_ids=ids.cuda(), attention_mask=mask.cuda()).last_hidden_state[0].float().cpu()
            res["torchFp16VsFp32MaxAbsDiff"] = float(abs(o16 - ref).max())
            del m
            torch.cuda.empty_cache()
            save()
    log(f"done in {time.time() - t0:.1f} s")
    save()


if __name__ == "__main__":
    main()
