"""Graduating: a model of this project as a PyTorch module, a PyTorch module as a model, a model as ONNX.

    import vectorized as nn
    module = nn.to_torch(model)            # torch.nn.Sequential, float64, the same weights
    model2 = nn.from_torch(module)         # back again (any torch.nn.Sequential of the layers below)
    nn.save_onnx(model, "model.onnx")      # a standard ONNX file (float32) that onnxruntime runs

PyTorch (`pip install torch==2.13.0`), `onnx` and `onnxruntime` are optional: they are imported
only inside these functions, and `import vectorized` never needs them.

How the layers map (ours -> PyTorch; FORMAT.md lists every parameter's layout):

    Dense(n_in, n_out)       nn.Linear(n_in, n_out): weight = Wᵀ (PyTorch stores (out, in), we store
                             W as (n_in, n_out), y = x W + b), bias = b
    Conv2D                   nn.Conv2d: the same weight layout (out, in, kh, kw), stride, padding
    MaxPool2D, AvgPool2D     nn.MaxPool2d, nn.AvgPool2d (no padding, floor mode)
    Flatten, Dropout         nn.Flatten(), nn.Dropout(p) (their random masks differ from ours)
    Sigmoid, Tanh, ReLU, LeakyReLU(a), ELU(a), Identity, Softmax
                             nn.Sigmoid ... nn.LeakyReLU(a), nn.ELU(a), nn.Identity, nn.Softmax(dim=-1)
    Softplus                 nn.Softplus(threshold=40): exact in double precision (the default threshold
                             20 returns x itself above 20, 2e-9 off)
    ArcTan                   a small module computing torch.atan
    RNN, LSTM                nn.RNN / nn.LSTM (batch_first=True) inside a module that returns the last
                             state (or every state with return_sequences=True): weight_ih = Wxhᵀ (Wxᵀ),
                             weight_hh = Whhᵀ (Whᵀ), bias_ih = b, bias_hh = 0. PyTorch's LSTM gates
                             come in our order, i, f, g, o; our forget bias is already inside b.
    Embedding                nn.Embedding: weight = W
    TimeDistributed(layer)   a module applying the layer to (N·T, ...) rows and reshaping back

Anything else raises ValueError naming the layer. In float64 the PyTorch module gives the same
outputs and gradients within the numeric policy (tests/test_interop.py). Batches of sequences of
different lengths (ragged lists) are not supported on the PyTorch side: give equal-length arrays.

ONNX: save_onnx writes opset 17 with float32 weights (the ONNX norm, and what onnxruntime runs
fastest); onnxruntime's predictions match this twin's float64 predictions within float32
rounding (the main command's MLP and CNN, 10,000 test images: at most 7e-6 off on logits of up
to 19, the same predicted class for every image; policy in conformance/tolerances.py). ONNX's LSTM gate order is
i, o, f, c, so the gate blocks are reordered in the file. Dropout is written as Identity
(an ONNX file is for inference). The file is written atomically, like every file of the project.
"""
from __future__ import annotations

import os

import numpy as np

from pure.modelfile import atomic_write_bytes

from .network import Sequential

SUPPORTED = ("Dense", "Conv2D", "MaxPool2D", "AvgPool2D", "Flatten", "Dropout", "Sigmoid", "Tanh", "ReLU",
             "LeakyReLU", "ELU", "Softplus", "ArcTan", "Identity", "Softmax", "RNN", "LSTM", "Embedding",
             "TimeDistributed")
SOFTPLUS_THRESHOLD = 40.0      # above it log(1 + e^x) = x exactly in double precision (e^-40 = 4e-18)
ONNX_OPSET = 17
ONNX_IR_VERSION = 8            # the IR version of opset 17: readable by every runtime that has that opset

_MODULES = None


def _layers(model):
    layers = getattr(model, "layers", None)
    if layers is None:
        raise ValueError(f"expected a Sequential model (with .layers), got {type(model).__name__}")
    return list(layers)


def _array(value) -> np.ndarray:
    return np.asarray(value, dtype=np.float64)


def _torch_modules():
    """The three small modules PyTorch lacks, made once (torch is imported here, not at import time)."""
    global _MODULES
    if _MODULES is None:
        import torch
        from torch import nn

        class ArcTan(nn.Module):
            """y = arctan(x), element-wise (twinnet's ArcTan)."""

            def forward(self, x):
                return torch.atan(x)

        class Recurrent(nn.Module):
            """nn.RNN or nn.LSTM (batch_first) returning the last state, or every state (return_sequences)."""

            def __init__(self, rnn, return_sequences: bool):
                super().__init__()
                self.rnn, self.return_sequences = rnn, bool(return_sequences)

            def forward(self, x):
                out, _ = self.rnn(x)
                return out if self.return_sequences else out[:, -1]

            def extra_repr(self):
                return f"return_sequences={self.return_sequences}"

        class TimeDistributed(nn.Module):
            """Apply a module to every step: (N, T, ...) -> (N·T, ...) -> module -> (N, T, ...)."""

            def __init__(self, inner):
                super().__init__()
                self.inner = inner

            def forward(self, x):
                n, t = x.shape[0], x.shape[1]
                y = self.inner(x.reshape((n * t,) + tuple(x.shape[2:])))
                return y.reshape((n, t) + tuple(y.shape[1:]))

        for cls in (ArcTan, Recurrent, TimeDistributed):
            cls.__qualname__ = cls.__name__
        _MODULES = {"ArcTan": ArcTan, "Recurrent": Recurrent, "TimeDistributed": TimeDistributed}
    return _MODULES


# ----------------------------------------------------------------------------- to PyTorch


def to_torch(model, dtype=None):
    """A torch.nn.Sequential computing what `model` computes, with a copy of its weights.

    dtype: a torch dtype (default torch.float64, the twins' precision). Each module is left in
    the training or evaluation mode of its layer; call .eval() before predicting (as with
    Sequential.predict). Raises ValueError naming the first layer that has no PyTorch twin here.
    """
    import torch
    from torch import nn
    dtype = torch.float64 if dtype is None else dtype
    modules = []
    for i, layer in enumerate(_layers(model)):
        module = _to_torch_layer(layer, f"layer {i}", nn, torch)
        module.train(bool(getattr(layer, "training", True)))
        modules.append(module)
    return nn.Sequential(*modules).to(dtype)


def _set(parameter, value, torch) -> None:
    with torch.no_grad():
        parameter.copy_(torch.as_tensor(_array(value)))


def _to_torch_layer(layer, where: str, nn, torch):
    kind = type(layer).__name__
    p = layer.params
    if kind == "Dense":
        W = _array(p["W"])
        module = nn.Linear(W.shape[0], W.shape[1], bias="b" in p, dtype=torch.float64)
        _set(module.weight, W.T, torch)                     # ours (n_in, n_out), PyTorch's (out, in)
        if "b" in p:
            _set(module.bias, p["b"], torch)
        return module
    if kind == "Conv2D":
        W = _array(p["W"])
        module = nn.Conv2d(W.shape[1], W.shape[0], tuple(layer.kernel_size), stride=tuple(layer.stride),
                           padding=tuple(layer.padding), bias="b" in p, dtype=torch.float64)
        _set(module.weight, W, torch)                       # the same layout: (out, in, kh, kw)
        if "b" in p:
            _set(module.bias, p["b"], torch)
        return module
    if kind == "MaxPool2D":
        return nn.MaxPool2d(tuple(layer.size), stride=tuple(layer.stride))
    if kind == "AvgPool2D":
        return nn.AvgPool2d(tuple(layer.size), stride=tuple(layer.stride))
    if kind == "Flatten":
        return nn.Flatten()
    if kind == "Dropout":
        return nn.Dropout(layer.p)
    simple = {"Sigmoid": nn.Sigmoid, "Tanh": nn.Tanh, "ReLU": nn.ReLU, "Identity": nn.Identity}
    if kind in simple:
        return simple[kind]()
    if kind == "LeakyReLU":
        return nn.LeakyReLU(layer.alpha)
    if kind == "ELU":
        return nn.ELU(layer.alpha)
    if kind == "Softplus":
        return nn.Softplus(beta=1.0, threshold=SOFTPLUS_THRESHOLD)
    if kind == "Softmax":
        return nn.Softmax(dim=-1)
    if kind == "ArcTan":
        return _torch_modules()["ArcTan"]()
    if kind in ("RNN", "LSTM"):
        x_name, h_name = ("Wxh", "Whh") if kind == "RNN" else ("Wx", "Wh")
        Wx, Wh, b = _array(p[x_name]), _array(p[h_name]), _array(p["b"])
        cls = nn.RNN if kind == "RNN" else nn.LSTM
        extra = {"nonlinearity": "tanh"} if kind == "RNN" else {}
        rnn = cls(layer.n_in, layer.n_hidden, batch_first=True, dtype=torch.float64, **extra)
        _set(rnn.weight_ih_l0, Wx.T, torch)                 # LSTM: gate blocks i, f, g, o in both
        _set(rnn.weight_hh_l0, Wh.T, torch)
        _set(rnn.bias_ih_l0, b, torch)
        _set(rnn.bias_hh_l0, np.zeros_like(b), torch)       # PyTorch has two biases; we have one
        return _torch_modules()["Recurrent"](rnn, layer.return_sequences)
    if kind == "Embedding":
        W = _array(p["W"])
        module = nn.Embedding(W.shape[0], W.shape[1], dtype=torch.float64)
        _set(module.weight, W, torch)
        return module
    if kind == "TimeDistributed":
        return _torch_modules()["TimeDistributed"](_to_torch_layer(layer.layer, f"{where}, inner layer", nn, torch))
    raise ValueError(f"to_torch: {where}: {layer!r} has no PyTorch counterpart here; "
                     f"supported: {', '.join(SUPPORTED)}")


# ----------------------------------------------------------------------------- from PyTorch


def from_torch(module) -> Sequential:
    """A Sequential of this twin computing what a torch module computes, with a copy of its weights.

    `module`: a torch.nn.Sequential (nested ones are flattened) or a single module, made of the
    modules to_torch makes (nn.Linear, nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d, nn.Flatten,
    nn.Dropout, nn.Sigmoid, nn.Tanh, nn.ReLU, nn.LeakyReLU, nn.ELU, nn.Softplus(beta=1),
    nn.Identity, nn.Softmax(dim=-1, or dim=1: the same on (N, C) outputs), nn.Embedding, and
    to_torch's own ArcTan, Recurrent and TimeDistributed). A bare nn.RNN / nn.LSTM (batch_first,
    one layer, one direction) becomes RNN / LSTM with return_sequences=True, its two biases added.
    Weights become float64 arrays. Raises ValueError naming the first module it cannot translate.
    """
    import torch
    from torch import nn
    modules = _flat_modules(module, nn)
    layers = [_from_torch_module(m, f"module {i}", nn, torch) for i, m in enumerate(modules)]
    if not layers:
        raise ValueError("from_torch: the module holds no layers")
    for layer, m in zip(layers, modules):
        layer.training = bool(m.training)
    return Sequential(layers)


def _flat_modules(module, nn) -> list:
    if isinstance(module, nn.Sequential):
        return [m for child in module for m in _flat_modules(child, nn)]
    return [module]


def _numpy(tensor) -> np.ndarray:
    return tensor.detach().to("cpu").double().numpy().copy()


def _refuse(where: str, module, why: str):
    return ValueError(f"from_torch: {where} ({module!r}): {why}")


def _from_torch_module(m, where: str, nn, torch):
    from . import activations, conv, layers, recurrent
    own = _torch_modules()
    if isinstance(m, nn.Linear):
        layer = layers.Dense(m.in_features, m.out_features, bias=m.bias is not None)
        layer.params["W"] = _numpy(m.weight).T.copy()       # PyTorch's (out, in) -> our (n_in, n_out)
        if m.bias is not None:
            layer.params["b"] = _numpy(m.bias)
        return layer
    if isinstance(m, nn.Conv2d):
        if isinstance(m.padding, str) or m.padding_mode != "zeros" or tuple(m.dilation) != (1, 1) or m.groups != 1:
            raise _refuse(where, m, "only zero padding given as numbers, dilation 1 and groups 1 have a twin here")
        layer = conv.Conv2D(m.in_channels, m.out_channels, tuple(m.kernel_size), stride=tuple(m.stride),
                            padding=tuple(m.padding), bias=m.bias is not None)
        layer.params["W"] = _numpy(m.weight)
        if m.bias is not None:
            layer.params["b"] = _numpy(m.bias)
        return layer
    if isinstance(m, (nn.MaxPool2d, nn.AvgPool2d)):
        dilation = getattr(m, "dilation", 1)
        if (_pair(m.padding) != (0, 0) or m.ceil_mode or _pair(dilation) != (1, 1)
                or getattr(m, "return_indices", False) or getattr(m, "divisor_override", None)):
            raise _refuse(where, m, "only pooling without padding, dilation, ceil_mode or divisor_override "
                                    "has a twin here")
        cls = conv.MaxPool2D if isinstance(m, nn.MaxPool2d) else conv.AvgPool2D
        stride = m.stride if m.stride is not None else m.kernel_size
        return cls(_pair(m.kernel_size), stride=_pair(stride))
    if isinstance(m, nn.Flatten):
        if m.start_dim != 1 or m.end_dim != -1:
            raise _refuse(where, m, "only Flatten(start_dim=1, end_dim=-1) has a twin here")
        return layers.Flatten()
    if isinstance(m, nn.Dropout):
        return layers.Dropout(m.p)
    simple = {nn.Sigmoid: activations.Sigmoid, nn.Tanh: activations.Tanh, nn.ReLU: activations.ReLU,
              nn.Identity: activations.Identity}
    for torch_cls, ours in simple.items():
        if type(m) is torch_cls:
            return ours()
    if isinstance(m, nn.LeakyReLU):
        return activations.LeakyReLU(m.negative_slope)
    if isinstance(m, nn.ELU):
        return activations.ELU(m.alpha)
    if isinstance(m, nn.Softplus):
        if m.beta != 1:
            raise _refuse(where, m, "only beta=1 has a twin here")
        return activations.Softplus()
    if isinstance(m, nn.Softmax):
        if m.dim not in (-1, 1):
            raise _refuse(where, m, "our Softmax acts on the last axis: use dim=-1")
        return activations.Softmax()
    if isinstance(m, own["ArcTan"]):
        return activations.ArcTan()
    if isinstance(m, nn.Embedding):
        if m.max_norm is not None:
            raise _refuse(where, m, "max_norm changes the vectors; it has no twin here")
        layer = recurrent.Embedding(m.num_embeddings, m.embedding_dim)
        layer.params["W"] = _numpy(m.weight)
        return layer
    if isinstance(m, own["Recurrent"]):
        return _from_torch_rnn(m.rnn, m.return_sequences, where, nn, recurrent)
    if isinstance(m, (nn.RNN, nn.LSTM)):
        return _from_torch_rnn(m, True, where, nn, recurrent)
    if isinstance(m, own["TimeDistributed"]):
        return recurrent.TimeDistributed(_from_torch_module(m.inner, f"{where}, inner module", nn, torch))
    raise _refuse(where, m, "no twin here; supported: nn.Linear, nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d, "
                            "nn.Flatten, nn.Dropout, nn.Sigmoid, nn.Tanh, nn.ReLU, nn.LeakyReLU, nn.ELU, "
                            "nn.Softplus, nn.Identity, nn.Softmax, nn.Embedding, nn.RNN, nn.LSTM and "
                            "to_torch's ArcTan, Recurrent, TimeDistributed")


def _pair(v) -> tuple:
    return (v, v) if isinstance(v, int) else tuple(v)


def _from_torch_rnn(rnn, return_sequences, where, nn, recurrent):
    is_lstm = isinstance(rnn, nn.LSTM)
    if (not rnn.batch_first or rnn.num_layers != 1 or rnn.bidirectional or not rnn.bias
            or getattr(rnn, "proj_size", 0) or (not is_lstm and rnn.nonlinearity != "tanh")):
        raise _refuse(where, rnn, "only one layer, one direction, batch_first=True, with biases"
                                  f"{'' if is_lstm else ' and tanh'} has a twin here")
    b = _numpy(rnn.bias_ih_l0) + _numpy(rnn.bias_hh_l0)
    if is_lstm:
        layer = recurrent.LSTM(rnn.input_size, rnn.hidden_size, return_sequences=return_sequences)
        names = ("Wx", "Wh")
    else:
        layer = recurrent.RNN(rnn.input_size, rnn.hidden_size, return_sequences=return_sequences)
        names = ("Wxh", "Whh")
    layer.params[names[0]] = _numpy(rnn.weight_ih_l0).T.copy()
    layer.params[names[1]] = _numpy(rnn.weight_hh_l0).T.copy()
    layer.params["b"] = b
    return layer


# ----------------------------------------------------------------------------- ONNX


class _Graph:
    """Nodes and weights of an ONNX graph under construction, with fresh names."""

    def __init__(self, onnx):
        self.onnx, self.nodes, self.weights, self.count = onnx, [], [], 0

    def name(self, hint: str) -> str:
        self.count += 1
        return f"{hint}_{self.count}"

    def weight(self, value, hint: str, dtype=np.float32) -> str:
        name = self.name(hint)
        self.weights.append(self.onnx.numpy_helper.from_array(np.ascontiguousarray(value, dtype=dtype), name))
        return name

    def node(self, op: str, inputs, hint: str = None, outputs: int = 1, **attributes):
        names = [self.name(hint or op.lower()) for _ in range(outputs)]
        self.nodes.append(self.onnx.helper.make_node(op, list(inputs), names, **attributes))
        return names[0] if outputs == 1 else names


def _onnx_input(layers, input_shape):
    """(element type, shape) of the graph's input, from the first layer (or input_shape, one example's)."""
    first = layers[0]
    kind = type(first).__name__
    if kind == "TimeDistributed":
        inner = type(first.layer).__name__
        if input_shape is None and inner == "Dense":
            return "float", ["N", "T", first.layer.n_in]
    if input_shape is not None:
        dims = list(input_shape)
        prefix = ["N", "T"] if kind in ("TimeDistributed",) and len(dims) == 1 else ["N"]
        return ("int64" if kind == "Embedding" else "float"), prefix + dims
    if kind == "Dense":
        return "float", ["N", first.n_in]
    if kind == "Conv2D":
        return "float", ["N", first.in_channels, "H", "W"]
    if kind in ("RNN", "LSTM"):
        return "float", ["N", "T", first.n_in]
    if kind == "Embedding":
        return "int64", ["N", "T"]
    raise ValueError(f"save_onnx: cannot tell the input shape of a model starting with {first!r}; "
                     f"pass input_shape=(one example's shape), e.g. input_shape=(1, 28, 28)")


def _onnx_layer(g: _Graph, layer, x: str, where: str) -> str:
    kind = type(layer).__name__
    p = layer.params
    if kind == "Dense":
        y = g.node("MatMul", [x, g.weight(_array(p["W"]), "W")], "dense")     # W as stored: (n_in, n_out)
        return g.node("Add", [y, g.weight(_array(p["b"]), "b")], "dense") if "b" in p else y
    if kind == "Conv2D":
        inputs = [x, g.weight(_array(p["W"]), "W")] + ([g.weight(_array(p["b"]), "b")] if "b" in p else [])
        (ph, pw) = layer.padding
        return g.node("Conv", inputs, "conv", kernel_shape=list(layer.kernel_size), strides=list(layer.stride),
                      pads=[ph, pw, ph, pw])
    if kind in ("MaxPool2D", "AvgPool2D"):
        op = "MaxPool" if kind == "MaxPool2D" else "AveragePool"
        return g.node(op, [x], "pool", kernel_shape=list(layer.size), strides=list(layer.stride))
    if kind == "Flatten":
        return g.node("Flatten", [x], "flatten", axis=1)
    if kind in ("Dropout", "Identity"):
        return g.node("Identity", [x], kind.lower())
    simple = {"Sigmoid": "Sigmoid", "Tanh": "Tanh", "ReLU": "Relu", "Softplus": "Softplus", "ArcTan": "Atan"}
    if kind in simple:
        return g.node(simple[kind], [x])
    if kind == "LeakyReLU":
        return g.node("LeakyRelu", [x], alpha=float(layer.alpha))
    if kind == "ELU":
        return g.node("Elu", [x], alpha=float(layer.alpha))
    if kind == "Softmax":
        return g.node("Softmax", [x], axis=-1)
    if kind in ("RNN", "LSTM"):
        return _onnx_recurrent(g, layer, x)
    if kind == "Embedding":
        return g.node("Gather", [g.weight(_array(p["W"]), "embedding"), x], "embedding", axis=0)
    if kind == "TimeDistributed":
        inner = type(layer.layer).__name__
        if inner not in ("Dense", "Dropout", "Identity", "Softmax", "LeakyReLU", "ELU", *simple):
            raise ValueError(f"save_onnx: {where}: TimeDistributed({inner}) is not supported "
                             f"(only Dense, Dropout and the activations)")
        return _onnx_layer(g, layer.layer, x, where)     # these act on the last axis: (N, T, F) as it is
    raise ValueError(f"save_onnx: {where}: {layer!r} has no ONNX counterpart here; "
                     f"supported: {', '.join(SUPPORTED)}")


def _onnx_recurrent(g: _Graph, layer, x: str) -> str:
    """ONNX RNN/LSTM run time-major: (N, T, F) -> (T, N, F) -> the op -> last state or all states."""
    H = layer.n_hidden
    if type(layer).__name__ == "RNN":
        op, Wx, Wh, b = "RNN", _array(layer.params["Wxh"]), _array(layer.params["Whh"]), _array(layer.params["b"])
    else:
        op, Wx, Wh, b = "LSTM", _array(layer.params["Wx"]), _array(layer.params["Wh"]), _array(layer.params["b"])
        order = [0, 3, 1, 2]            # ONNX wants the gate blocks as i, o, f, c; ours are i, f, g(=c), o

        def reorder(a):
            return np.concatenate([a[..., k * H:(k + 1) * H] for k in order], axis=-1)
        Wx, Wh, b = reorder(Wx), reorder(Wh), reorder(b)
    W = g.weight(Wx.T[None], "W")                        # (1, gates·H, n_in)
    R = g.weight(Wh.T[None], "R")                        # (1, gates·H, H)
    B = g.weight(np.concatenate([b, np.zeros_like(b)])[None], "B")    # input bias, recurrent bias (0)
    time_major = g.node("Transpose", [x], "time_major", perm=[1, 0, 2])
    outputs = g.node(op, [time_major, W, R, B], op.lower(), outputs=2 if op == "RNN" else 3, hidden_size=H)
    Y, Y_h = outputs[0], outputs[1]
    if layer.return_sequences:
        steps = g.node("Squeeze", [Y, g.weight([1], "axes", np.int64)], "steps")     # (T, N, H)
        return g.node("Transpose", [steps], "batch_major", perm=[1, 0, 2])
    return g.node("Squeeze", [Y_h, g.weight([0], "axes", np.int64)], "last_state")   # (N, H)


def onnx_model(model, input_shape=None):
    """The onnx.ModelProto of a model (float32 weights, opset 17), checked by onnx.checker."""
    import onnx
    layers = _layers(model)
    elem, dims = _onnx_input(layers, input_shape)
    g = _Graph(onnx)
    x = "input"
    for i, layer in enumerate(layers):
        x = _onnx_layer(g, layer, x, f"layer {i}")
    g.nodes.append(onnx.helper.make_node("Identity", [x], ["output"]))
    types = {"float": onnx.TensorProto.FLOAT, "int64": onnx.TensorProto.INT64}
    graph = onnx.helper.make_graph(
        g.nodes, "twinnet", [onnx.helper.make_tensor_value_info("input", types[elem], dims)],
        [onnx.helper.make_tensor_value_info("output", onnx.TensorProto.FLOAT, None)], g.weights)
    proto = onnx.helper.make_model(graph, opset_imports=[onnx.helper.make_opsetid("", ONNX_OPSET)],
                                   producer_name="twinnet", ir_version=ONNX_IR_VERSION)
    inferred = onnx.shape_inference.infer_shapes(proto)          # the output's shape, worked out by onnx
    for info in inferred.graph.value_info:
        if info.name == x:
            proto.graph.output[0].type.CopyFrom(info.type)
    onnx.checker.check_model(proto, full_check=True)
    return proto


def save_onnx(model, path, input_shape=None) -> None:
    """Write `model` as a standard ONNX file (needs the `onnx` package), atomically.

    input_shape: one example's shape, when the first layer does not tell it (a model starting
    with an activation or a pooling layer); e.g. (1, 28, 28). The batch axis (and a sequence's
    time axis) stay free. Run it with onnxruntime:
        session = onnxruntime.InferenceSession(path); session.run(None, {"input": x.astype("float32")})
    """
    data = onnx_model(model, input_shape).SerializeToString()
    atomic_write_bytes(path, data, what="ONNX model")   # a regular file or a new name; old file kept on failure


def run_onnx(path, x):
    """Run an ONNX file with onnxruntime on x (float32; int64 token ids for an Embedding); returns an array."""
    import onnxruntime
    session = onnxruntime.InferenceSession(os.fspath(path), providers=["CPUExecutionProvider"])
    expected = session.get_inputs()[0].type
    x = np.asarray(x, dtype=np.int64 if "int64" in expected else np.float32)
    return session.run(None, {session.get_inputs()[0].name: x})[0]
